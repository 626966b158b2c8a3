/**
 * src/lib/iptables against the real iptables-restore / iptables-save, always inside a namespace
 * made here: the product calls run in the netns of the calling thread, so they are made inside
 * withNetns, and the host's own tables are checked to be untouched.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withNetns } from '../../src/lib/ns/index.js';
import { IptablesError, iptablesAvailable, iptablesRestore, iptablesSave, quoteComment, removeRulesMatching, type IptFamily } from '../../src/lib/iptables/index.js';
import { makeNetns, type TestNetns } from '../helpers/netns.js';
import { sh } from '../helpers/sh.js';

/** A table as iptables-save prints it, without the timestamped comment lines. */
function saveText(family: IptFamily, table: string, ns?: TestNetns): string {
  const cmd = family === 6 ? 'ip6tables-save' : 'iptables-save';
  const r = ns ? ns.exec(cmd, ['-t', table]) : sh(cmd, ['-t', table]);
  return r.stdout.split('\n').filter((l) => !l.startsWith('#')).join('\n');
}

function inNs<T>(ns: TestNetns, fn: () => T): T {
  return withNetns(ns.path, fn);
}

for (const family of [4, 6] as const) {
  const net = family === 4 ? '10.9.0.0/24' : 'fd00:9::/64';
  const host = family === 4 ? '10.9.0.2/32' : 'fd00:9::2/128';

  test(`v${family}: restore in the calling thread's netns, one batch with chains, rules and comments`, () => {
    const ns = makeNetns('ipt');
    const hostBefore = saveText(family, 'nat');
    try {
      inNs(ns, () => {
        assert.ok(iptablesAvailable(family));
        iptablesRestore(family, {
          table: 'nat',
          chains: ['CNI-TEST', 'POSTROUTING'],
          lines: [
            `-A CNI-TEST -d ${net} -m comment --comment ${quoteComment('name: "n" id: "c"')} -j ACCEPT`,
            `-A POSTROUTING -s ${host} -m comment --comment ${quoteComment('name: "n" id: "c"')} -j CNI-TEST`,
          ],
        });
        const saved = iptablesSave(family, 'nat');
        assert.equal(saved.chains.get('CNI-TEST'), [`-A CNI-TEST -d ${net} -m comment --comment "name: \\"n\\" id: \\"c\\"" -j ACCEPT`]);
        assert.equal(saved.chains.get('POSTROUTING'), [`-A POSTROUTING -s ${host} -m comment --comment "name: \\"n\\" id: \\"c\\"" -j CNI-TEST`]);
      });
      // Seen from outside: the rules are in the test namespace, and the host is untouched.
      assert.match(saveText(family, 'nat', ns), `-A POSTROUTING -s ${host}`);
      assert.is(saveText(family, 'nat'), hostBefore);
    } finally {
      ns.remove();
    }
  });

  test(`v${family}: chains are created if missing but never flushed; flushChains empties`, () => {
    const ns = makeNetns('ipt');
    try {
      inNs(ns, () => {
        iptablesRestore(family, { table: 'filter', chains: ['CNI-KEEP'], lines: ['-A CNI-KEEP -j RETURN'] });
        iptablesRestore(family, { table: 'filter', chains: ['CNI-KEEP'], lines: ['-A CNI-KEEP -j ACCEPT'] });
        assert.equal(iptablesSave(family, 'filter').chains.get('CNI-KEEP'), ['-A CNI-KEEP -j RETURN', '-A CNI-KEEP -j ACCEPT']);
        iptablesRestore(family, { table: 'filter', flushChains: ['CNI-KEEP'], lines: ['-A CNI-KEEP -j DROP'] });
        assert.equal(iptablesSave(family, 'filter').chains.get('CNI-KEEP'), ['-A CNI-KEEP -j DROP']);
      });
    } finally {
      ns.remove();
    }
  });

  test(`v${family}: a failing batch changes nothing and reports stderr and input`, () => {
    const ns = makeNetns('ipt');
    try {
      inNs(ns, () => {
        try {
          iptablesRestore(family, { table: 'nat', chains: ['CNI-ATOMIC'], lines: ['-A CNI-ATOMIC -j ACCEPT', '-A CNI-ATOMIC -j NO-SUCH-TARGET'] });
          assert.unreachable('should fail');
        } catch (err) {
          assert.instance(err, IptablesError);
          const e = err as IptablesError;
          assert.is(e.family, family);
          assert.is(e.table, 'nat');
          assert.ok(e.stderr.length > 0);
          assert.match(e.input, '-N CNI-ATOMIC');
        }
        assert.not.ok(iptablesSave(family, 'nat').chains.has('CNI-ATOMIC'));
      });
    } finally {
      ns.remove();
    }
  });

  test(`v${family}: removeRulesMatching deletes matching rules, jumps and chains, and is idempotent`, () => {
    const ns = makeNetns('ipt');
    try {
      inNs(ns, () => {
        iptablesRestore(family, {
          table: 'nat',
          chains: ['CNI-GONE', 'CNI-STAYS'],
          lines: ['-A CNI-GONE -j MASQUERADE', `-A POSTROUTING -s ${host} -j CNI-GONE`, '-A POSTROUTING -j CNI-STAYS', '-A OUTPUT -m comment --comment "drop me" -j RETURN'],
        });
        const drop = (_chain: string, rule: string) => rule.includes('"drop me"');
        removeRulesMatching(family, 'nat', drop, { deleteChains: ['CNI-GONE', 'CNI-NEVER-EXISTED'] });
        const saved = iptablesSave(family, 'nat');
        assert.not.ok(saved.chains.has('CNI-GONE'));
        assert.equal(saved.chains.get('POSTROUTING'), ['-A POSTROUTING -j CNI-STAYS']);
        assert.equal(saved.chains.get('OUTPUT'), []);
        removeRulesMatching(family, 'nat', drop, { deleteChains: ['CNI-GONE'] });
      });
    } finally {
      ns.remove();
    }
  });
}

test.run();
