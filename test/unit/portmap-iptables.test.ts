/**
 * portmap's iptables backend, pure parts: chain names (the reference's test vectors and a chain
 * the Go reference made on this machine), rule text in iptables-save form, and the one restore
 * batch planned from an iptables-save: from scratch, next to the reference's rules, and again
 * for the same container. Real iptables: test/integration/portmap*.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseIptablesSave } from '../../src/lib/iptables/index.js';
import { parsePortmapConfig } from '../../src/plugins/meta/portmap/config.js';
import { parsePortMappings } from '../../src/plugins/meta/portmap/mappings.js';
import { chainNameWithPrefix, dnatChainName, oldSnatChainName } from '../../src/plugins/meta/portmap/iptables/chain-name.js';
import { findMissing, planForward, staleChains } from '../../src/plugins/meta/portmap/iptables/plan.js';
import { dnatChainRules, dnatComment, entryRules, markDef, normalizeRule, parseDnatComment } from '../../src/plugins/meta/portmap/iptables/rules.js';
import type { ForwardTarget } from '../../src/plugins/meta/portmap/target.js';

const settings = (extra: Record<string, unknown> = {}) => parsePortmapConfig({ cniVersion: '1.1.0', name: 'refnet', type: 'portmap', backend: 'iptables', ...extra }).settings;
const owner = { network: 'refnet', containerId: 'abc123' };
const target = (mappings: unknown[], family: 4 | 6 = 4): ForwardTarget =>
  family === 4
    ? { family, address: { family, ip: '10.77.0.2', network: '10.77.0.0/24' }, mappings: parsePortMappings(mappings) }
    : { family, address: { family, ip: 'fd00::2', network: 'fd00::/64' }, mappings: parsePortMappings(mappings) };
const MAPPINGS = [
  { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
  { hostPort: 8053, containerPort: 53, protocol: 'udp' },
  { hostPort: 9090, containerPort: 90, protocol: 'tcp', hostIP: '10.77.0.1' },
];
const DN = 'CNI-DN-8334f7910aacd81549d41';

test('chain names: the reference vectors and the chain the Go reference made for refnet/abc123', () => {
  assert.is(chainNameWithPrefix('test', '1234', 'PREFIX-'), 'CNI-PREFIX-2bbe0c48b91a7d1b8');
  assert.is(chainNameWithPrefix('testalongnamethatdoesnotmakesense', '1234', 'PREFIX-'), 'CNI-PREFIX-374f33fe84ab0ed84');
  assert.is(dnatChainName('refnet', 'abc123'), DN);
  assert.is(oldSnatChainName('refnet', 'abc123').slice(0, 7), 'CNI-SN-');
  assert.is(dnatChainName('refnet', 'abc123').length, 28);
  assert.throws(() => chainNameWithPrefix('a', 'b', 'PREFIX-PREFIX-PREFIX-PREFIX-'), /too long/);
});

test('mark and comment text', () => {
  assert.is(markDef(13), '0x2000/0x2000');
  assert.is(markDef(0), '0x1/0x1');
  assert.is(markDef(31), '0x80000000/0x80000000');
  assert.is(dnatComment(owner), 'dnat name: "refnet" id: "abc123"');
  assert.is(dnatComment({ network: 'n'.repeat(300), containerId: 'x' }).length, 255);
  assert.equal(parseDnatComment('-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"refnet\\" id: \\"abc123\\"" -m multiport --dports 8080 -j X'), owner);
  assert.is(parseDnatComment('-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ'), undefined);
});

test('rules in iptables-save form (what the Go reference produced for the same config)', () => {
  const t = target(MAPPINGS);
  assert.equal(entryRules(owner, settings(), t), [
    '-p tcp -m comment --comment "dnat name: \\"refnet\\" id: \\"abc123\\"" -m multiport --dports 8080,9090',
    '-p udp -m comment --comment "dnat name: \\"refnet\\" id: \\"abc123\\"" -m multiport --dports 8053',
  ]);
  assert.equal(dnatChainRules(settings(), t), [
    '-s 10.77.0.0/24 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK',
    '-s 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK',
    '-p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.77.0.2:80',
    '-s 10.77.0.0/24 -p udp -m udp --dport 8053 -j CNI-HOSTPORT-SETMARK',
    '-s 127.0.0.1/32 -p udp -m udp --dport 8053 -j CNI-HOSTPORT-SETMARK',
    '-p udp -m udp --dport 8053 -j DNAT --to-destination 10.77.0.2:53',
    '-s 10.77.0.0/24 -d 10.77.0.1/32 -p tcp -m tcp --dport 9090 -j CNI-HOSTPORT-SETMARK',
    '-s 127.0.0.1/32 -d 10.77.0.1/32 -p tcp -m tcp --dport 9090 -j CNI-HOSTPORT-SETMARK',
    '-d 10.77.0.1/32 -p tcp -m tcp --dport 9090 -j DNAT --to-destination 10.77.0.2:90',
  ]);
  assert.equal(dnatChainRules(settings(), target([{ hostPort: 8080, containerPort: 80, hostIP: 'fd00::1' }], 6)), [
    '-s fd00::/64 -d fd00::1/128 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK',
    '-d fd00::1/128 -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd00::2]:80',
  ]);
  assert.equal(dnatChainRules(settings({ masqAll: true, externalSetMarkChain: 'KUBE-MARK-MASQ' }), target(MAPPINGS.slice(0, 1))), [
    '-p tcp -m tcp --dport 8080 -j KUBE-MARK-MASQ',
    '-p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.77.0.2:80',
  ]);
  assert.equal(dnatChainRules(settings({ snat: false }), target(MAPPINGS.slice(0, 1))), ['-p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.77.0.2:80']);
  assert.is(normalizeRule('-A X  -p tcp -m tcp --dport 1 -j Y'), '-A X -p tcp --dport 1 -j Y');
});

test('multiport takes at most 15 ports per rule; duplicates are listed once; conditions are appended', () => {
  const many = Array.from({ length: 17 }, (_, i) => ({ hostPort: 1000 + i, containerPort: 80 }));
  const rules = entryRules(owner, settings({ conditionsV4: ['!', '-s', '192.0.2.0/24', 'a b'] }), target([...many, many[0]]));
  assert.is(rules.length, 2);
  assert.match(rules[0]!, `--dports ${many.slice(0, 15).map((m) => m.hostPort).join(',')} ! -s 192.0.2.0/24 "a b"`);
  assert.match(rules[1]!, '--dports 1015,1016 ! -s');
});

test('plan from an empty nat table: -N for every chain, never a ":CHAIN" declaration', () => {
  const saved = parseIptablesSave('*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n', 'nat');
  const lines = planForward(saved.chains, owner, settings(), target(MAPPINGS.slice(0, 1)), DN);
  assert.equal(lines, [
    '-N CNI-HOSTPORT-SETMARK',
    '-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000',
    '-N CNI-HOSTPORT-MASQ',
    '-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE',
    '-I POSTROUTING 1 -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ',
    '-N CNI-HOSTPORT-DNAT',
    '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
    '-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
    `-N ${DN}`,
    `-A ${DN} -s 10.77.0.0/24 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK`,
    `-A ${DN} -s 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK`,
    `-A ${DN} -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.77.0.2:80`,
    `-I CNI-HOSTPORT-DNAT 1 -p tcp -m comment --comment "dnat name: \\"refnet\\" id: \\"abc123\\"" -m multiport --dports 8080 -j ${DN}`,
  ]);
  const ext = planForward(saved.chains, owner, settings({ externalSetMarkChain: 'KUBE-MARK-MASQ' }), target(MAPPINGS.slice(0, 1)), DN);
  assert.not.ok(ext.some((l) => l.includes('CNI-HOSTPORT-SETMARK') || l.includes('CNI-HOSTPORT-MASQ')), 'an external mark chain replaces ours');
});

// What the Go reference left after ADD of refnet/abc123 (iptables-save on this machine) plus another container.
const REFERENCE_SAVE = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:${DN} - [0:0]
:CNI-DN-other - [0:0]
:CNI-HOSTPORT-DNAT - [0:0]
:CNI-HOSTPORT-MASQ - [0:0]
:CNI-HOSTPORT-SETMARK - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ
-A ${DN} -s 10.77.0.0/24 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK
-A ${DN} -s 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK
-A ${DN} -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.77.0.2:80
-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"refnet\\" id: \\"abc123\\"" -m multiport --dports 8080 -j ${DN}
-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"refnet\\" id: \\"other\\"" -m multiport --dports 7070 -j CNI-DN-other
-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"othernet\\" id: \\"zzz\\"" -m multiport --dports 6060 -j CNI-DN-zzz
-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE
-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000
COMMIT
`;

test('plan over existing state: shared rules untouched, the container chain flushed and refilled, its entry replaced', () => {
  const saved = parseIptablesSave(REFERENCE_SAVE, 'nat');
  const lines = planForward(saved.chains, owner, settings(), target([{ hostPort: 8081, containerPort: 81, protocol: 'tcp' }]), DN);
  assert.equal(lines, [
    `-F ${DN}`,
    `-A ${DN} -s 10.77.0.0/24 -p tcp -m tcp --dport 8081 -j CNI-HOSTPORT-SETMARK`,
    `-A ${DN} -s 127.0.0.1/32 -p tcp -m tcp --dport 8081 -j CNI-HOSTPORT-SETMARK`,
    `-A ${DN} -p tcp -m tcp --dport 8081 -j DNAT --to-destination 10.77.0.2:81`,
    `-D CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"refnet\\" id: \\"abc123\\"" -m multiport --dports 8080 -j ${DN}`,
    `-I CNI-HOSTPORT-DNAT 1 -p tcp -m comment --comment "dnat name: \\"refnet\\" id: \\"abc123\\"" -m multiport --dports 8081 -j ${DN}`,
  ]);
  // Another mark bit: its own rules next to the existing ones.
  const bit14 = planForward(saved.chains, owner, settings({ markMasqBit: 14 }), target(MAPPINGS.slice(0, 1)), DN);
  assert.ok(bit14.includes('-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x4000/0x4000'));
  assert.ok(bit14.includes('-A CNI-HOSTPORT-MASQ -m mark --mark 0x4000/0x4000 -j MASQUERADE'));
});

test('CHECK reads the save back; GC picks the chains of this network whose container is gone', () => {
  const saved = parseIptablesSave(REFERENCE_SAVE, 'nat');
  const t = target(MAPPINGS.slice(0, 1));
  assert.is(findMissing(saved.chains, owner, settings(), t, DN, normalizeRule), undefined, 'the reference rules satisfy our CHECK');
  assert.match(findMissing(saved.chains, owner, settings(), target(MAPPINGS.slice(0, 2)), DN, normalizeRule) ?? '', '--dport 8053');
  assert.match(findMissing(saved.chains, { ...owner, containerId: 'nope' }, settings(), t, dnatChainName('refnet', 'nope'), normalizeRule) ?? '', 'not found');

  assert.equal(staleChains(saved.chains, 'refnet', new Set(['abc123']), parseDnatComment), ['CNI-DN-other']);
  assert.equal(staleChains(saved.chains, 'refnet', new Set(), parseDnatComment).sort(), [DN, 'CNI-DN-other'].sort());
  assert.equal(staleChains(saved.chains, 'othernet', new Set(['zzz']), parseDnatComment), []);
});

test.run();
