/** firewall's iptables plans: restore lines from an iptables-save view, CHECK's missing rules, removal. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commentOf, missingRules, planAdd, planRemove, type SavedChains } from '../../src/plugins/meta/firewall/ipt-layout.js';
import type { AttachmentRules } from '../../src/plugins/meta/firewall/attachment.js';

const OWNER = '"cni-firewall net c1 eth0"';
const rules = (policy: AttachmentRules['ingressPolicy'] = 'open'): AttachmentRules => ({
  owner: { network: 'net', containerId: 'c1', ifName: 'eth0' },
  addresses: [
    { family: 4, address: '10.0.0.5' },
    { family: 6, address: 'fd00::5' },
  ],
  ingressPolicy: policy,
  ...(policy === 'open' ? {} : { bridge: 'cni0' }),
});
const empty = (): SavedChains => new Map([['INPUT', []], ['FORWARD', []], ['OUTPUT', []]]);

/** Apply restore lines to a saved view, the way iptables would (enough for these plans). */
function apply(saved: SavedChains, lines: string[]): Map<string, string[]> {
  const out = new Map([...saved].map(([k, v]) => [k, [...v]]));
  for (const line of lines) {
    let m: RegExpExecArray | null;
    if ((m = /^-N (\S+)$/.exec(line))) out.set(m[1]!, []);
    else if ((m = /^-A (\S+) (.*)$/.exec(line))) out.get(m[1]!)!.push(`-A ${m[1]} ${m[2]}`);
    else if ((m = /^-I (\S+) (\d+) (.*)$/.exec(line))) out.get(m[1]!)!.splice(Number(m[2]) - 1, 0, `-A ${m[1]} ${m[3]}`);
    else if ((m = /^-D (\S+) (.*)$/.exec(line))) {
      const list = out.get(m[1]!)!;
      const i = list.indexOf(`-A ${m[1]} ${m[2]}`);
      assert.ok(i >= 0, `delete of a rule that is not there: ${line}`);
      list.splice(i, 1);
    } else throw new Error(`unexpected line ${line}`);
  }
  return out;
}

test('first ADD on an empty table: chains by -N (never ":CHAIN", which flushes), jumps, the two rules', () => {
  assert.equal(planAdd(empty(), rules(), 4, 'CNI-ADMIN'), [
    '-N CNI-FORWARD',
    '-N CNI-ADMIN',
    '-I FORWARD 1 -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD',
    '-I CNI-FORWARD 1 -m comment --comment "CNI firewall plugin admin overrides" -j CNI-ADMIN',
    `-A CNI-FORWARD -d 10.0.0.5/32 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment ${OWNER} -j ACCEPT`,
    `-A CNI-FORWARD -s 10.0.0.5/32 -m comment --comment ${OWNER} -j ACCEPT`,
  ]);
  assert.equal(planAdd(empty(), rules(), 6, 'CNI-ADMIN').slice(-2), [
    `-A CNI-FORWARD -d fd00::5/128 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment ${OWNER} -j ACCEPT`,
    `-A CNI-FORWARD -s fd00::5/128 -m comment --comment ${OWNER} -j ACCEPT`,
  ]);
});

test('a family without addresses gets nothing', () => {
  assert.equal(planAdd(empty(), { ...rules('isolated'), addresses: [{ family: 4, address: '10.0.0.5' }] }, 6, 'CNI-ADMIN'), []);
});

test('isolated: stage chains, the isolation jump ahead of CNI-FORWARD, the three bridge rules first in their chains', () => {
  const after = apply(empty(), planAdd(empty(), rules('isolated'), 4, 'CNI-ADMIN'));
  assert.equal(after.get('FORWARD'), [
    '-A FORWARD -m comment --comment "CNI firewall plugin ingress isolation" -j CNI-ISOLATION-STAGE-1',
    '-A FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD',
  ]);
  assert.equal(after.get('CNI-ISOLATION-STAGE-1'), [
    `-A CNI-ISOLATION-STAGE-1 -i cni0 -o cni0 -m comment --comment ${OWNER} -j DROP`,
    `-A CNI-ISOLATION-STAGE-1 -i cni0 ! -o cni0 -m comment --comment ${OWNER} -j CNI-ISOLATION-STAGE-2`,
  ]);
  assert.equal(after.get('CNI-ISOLATION-STAGE-2'), [`-A CNI-ISOLATION-STAGE-2 -o cni0 -m comment --comment ${OWNER} -j DROP`]);
  assert.equal(missingRules(after, rules('isolated'), 4, 'CNI-ADMIN'), [], 'CHECK is satisfied by what ADD made');
});

test('rules of a reference-made isolation chain ending in RETURN go before the RETURN', () => {
  const saved = new Map([...empty(), ['CNI-ISOLATION-STAGE-1', ['-A CNI-ISOLATION-STAGE-1 -j RETURN']], ['CNI-ISOLATION-STAGE-2', ['-A CNI-ISOLATION-STAGE-2 -j RETURN']]]);
  const after = apply(saved, planAdd(saved, rules('same-bridge'), 4, 'CNI-ADMIN'));
  assert.is(after.get('CNI-ISOLATION-STAGE-1')!.at(-1), '-A CNI-ISOLATION-STAGE-1 -j RETURN');
  assert.is(after.get('CNI-ISOLATION-STAGE-2')!.at(-1), '-A CNI-ISOLATION-STAGE-2 -j RETURN');
});

test('a second ADD of the same attachment replaces its rules and adds no second jump', () => {
  const once = apply(empty(), planAdd(empty(), rules('same-bridge'), 4, 'CNI-ADMIN'));
  const twice = apply(once, planAdd(once, rules('same-bridge'), 4, 'CNI-ADMIN'));
  assert.equal(twice, once);
  const changed = apply(once, planAdd(once, { ...rules('open'), addresses: [{ family: 4, address: '10.0.0.6' }] }, 4, 'CNI-ADMIN'));
  assert.equal(changed.get('CNI-ISOLATION-STAGE-1'), [], 'the old isolation rules are gone');
  assert.ok(changed.get('CNI-FORWARD')!.every((l) => !l.includes('10.0.0.5')), 'the old address is gone');
});

test('a missing CNI-FORWARD jump goes after an existing isolation jump; the admin chain is never declared', () => {
  const saved = new Map([...empty(), ['FORWARD', ['-A FORWARD -j OTHER', '-A FORWARD -m comment --comment "CNI firewall plugin ingress isolation" -j CNI-ISOLATION-STAGE-1']], ['CNI-ADMIN', ['-A CNI-ADMIN -j DROP']], ['OTHER', []]]);
  const lines = planAdd(saved, rules(), 4, 'CNI-ADMIN');
  assert.ok(lines.includes('-I FORWARD 3 -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD'), lines.join('\n'));
  assert.not.ok(lines.some((l) => l.startsWith(':') || l === '-N CNI-ADMIN'), 'the admin chain exists: not created again');
  assert.equal(apply(saved, lines).get('CNI-ADMIN'), ['-A CNI-ADMIN -j DROP']);
});

test('another admin chain name is used for the jump', () => {
  const lines = planAdd(empty(), rules(), 4, 'MY-ADMIN');
  assert.ok(lines.includes('-N MY-ADMIN'));
  assert.ok(lines.includes('-I CNI-FORWARD 1 -m comment --comment "CNI firewall plugin admin overrides" -j MY-ADMIN'));
});

test('missingRules names what CHECK lacks', () => {
  assert.equal(missingRules(empty(), rules(), 4, 'CNI-ADMIN').slice(0, 2), ['chain CNI-FORWARD', 'chain CNI-ADMIN']);
  const made = apply(empty(), planAdd(empty(), rules(), 4, 'CNI-ADMIN'));
  made.get('CNI-FORWARD')!.pop();
  assert.equal(missingRules(made, rules(), 4, 'CNI-ADMIN'), [`-A CNI-FORWARD -s 10.0.0.5/32 -m comment --comment ${OWNER} -j ACCEPT`]);
});

test('planRemove deletes exactly the doomed owners\' rules and leaves chains and jumps', () => {
  const a = apply(empty(), planAdd(empty(), rules('isolated'), 4, 'CNI-ADMIN'));
  const other = { ...rules('isolated'), owner: { network: 'net', containerId: 'c2', ifName: 'eth0' } };
  const both = apply(a, planAdd(a, other, 4, 'CNI-ADMIN'));
  const left = apply(both, planRemove(both, (c) => c === 'cni-firewall net c1 eth0'));
  assert.equal(left, apply(empty(), planAdd(empty(), other, 4, 'CNI-ADMIN')));
  assert.equal(planRemove(left, (c) => c === 'cni-firewall net c1 eth0'), [], 'nothing left to delete: no restore at all');
});

test('commentOf reads quoted and bare comments', () => {
  assert.is(commentOf('-A X -m comment --comment "a b \\"c\\"" -j ACCEPT'), 'a b "c"');
  assert.is(commentOf('-A X -m comment --comment x -j DROP'), 'x');
  assert.is(commentOf('-A X -j DROP'), undefined);
});

test.run();
