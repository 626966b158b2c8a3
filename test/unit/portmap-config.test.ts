/**
 * portmap config: defaults, backend choice, the reference's validation messages and codes,
 * port mappings, nft condition compilation, and container address selection from prevResult.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { NetConf, Result } from '../../src/spec/types.js';
import { renderExprs } from '../../src/netlink/nftables/index.js';
import { parsePortmapConfig } from '../../src/plugins/meta/portmap/config.js';
import { compileNftConditions, conditionsSyntax } from '../../src/plugins/meta/portmap/conditions.js';
import { containerAddresses } from '../../src/plugins/meta/portmap/container-ips.js';
import { mappingsFor, parsePortMappings, udpHostPorts } from '../../src/plugins/meta/portmap/mappings.js';
import { forwardTargets } from '../../src/plugins/meta/portmap/target.js';
import { keptContainers } from '../../src/plugins/meta/portmap/verbs.js';
import { cniErrorOf } from '../helpers/errors.js';

const base = (extra: Record<string, unknown> = {}): NetConf => ({ cniVersion: '1.1.0', name: 'net', type: 'portmap', ...extra });


test('defaults: nftables, snat, mark bit 13, no mappings', () => {
  const s = parsePortmapConfig(base()).settings;
  assert.equal(s, { backend: 'nftables', snat: true, masqAll: false, markMasqBit: 13, conditionsV4: [], conditionsV6: [], portMappings: [] });
});

test('backend: explicit, or iptables when the config has iptables-only options', () => {
  assert.is(parsePortmapConfig(base({ backend: 'iptables' })).settings.backend, 'iptables');
  assert.is(parsePortmapConfig(base({ backend: 'nftables' })).settings.backend, 'nftables');
  assert.is(parsePortmapConfig(base({ externalSetMarkChain: 'KUBE-MARK-MASQ' })).settings.backend, 'iptables');
  assert.is(parsePortmapConfig(base({ conditionsV4: ['-d', '192.0.2.0/24'] })).settings.backend, 'iptables');
  assert.is(parsePortmapConfig(base({ conditionsV6: ['!', '-d', 'fc00::/7'] })).settings.backend, 'iptables', 'the reference README form');
  assert.is(parsePortmapConfig(base({ conditionsV4: ['ip saddr != 192.0.2.0/24'] })).settings.backend, 'nftables');
  const e = cniErrorOf(() => parsePortmapConfig(base({ backend: 'xdp' })));
  assert.is(e.code, 7);
  assert.is(e.message, 'unrecognized backend "xdp"');
});

test('options of the other backend are refused with code 2 and the reference message', () => {
  const e = cniErrorOf(() => parsePortmapConfig(base({ backend: 'nftables', externalSetMarkChain: 'KUBE-MARK-MASQ', conditionsV4: ['-s', '10.0.0.1'] })));
  assert.is(e.code, 2);
  assert.is(e.message, 'nftables backend was requested but configuration contains iptables-specific options [externalSetMarkChain conditionsV4]');
  const e2 = cniErrorOf(() => parsePortmapConfig(base({ backend: 'iptables', conditionsV6: ['ip6 saddr ::1'] })));
  assert.is(e2.code, 2);
  assert.is(e2.message, 'iptables backend was requested but configuration contains nftables-specific options [conditionsV6]');
  // Mixed syntaxes without a backend: iptables wins, the nft list is the odd one out.
  assert.is(cniErrorOf(() => parsePortmapConfig(base({ externalSetMarkChain: 'X', conditionsV4: ['ip saddr 10.0.0.1'] }))).code, 2);
});

test('markMasqBit: range and exclusive with externalSetMarkChain (reference messages)', () => {
  assert.is(parsePortmapConfig(base({ markMasqBit: 0 })).settings.markMasqBit, 0);
  assert.is(parsePortmapConfig(base({ markMasqBit: 31 })).settings.markMasqBit, 31);
  for (const bit of [-1, 32]) {
    const e = cniErrorOf(() => parsePortmapConfig(base({ markMasqBit: bit })));
    assert.is(e.code, 7);
    assert.is(e.message, 'MasqMarkBit must be between 0 and 31');
  }
  const e = cniErrorOf(() => parsePortmapConfig(base({ backend: 'iptables', markMasqBit: 14, externalSetMarkChain: 'KUBE-MARK-MASQ' })));
  assert.is(e.message, 'Cannot specify externalSetMarkChain and markMasqBit');
  assert.is(cniErrorOf(() => parsePortmapConfig(base({ externalSetMarkChain: 'bad chain' }))).code, 7);
  assert.is(cniErrorOf(() => parsePortmapConfig(base({ snat: 'yes' }))).code, 7);
  assert.is(cniErrorOf(() => parsePortmapConfig(base({ conditionsV4: 'ip saddr 1.2.3.4' }))).code, 7);
});

test('port mappings: validation, protocol default and case, hostIP families', () => {
  const m = parsePortMappings([
    { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
    { hostPort: 53, containerPort: 53, protocol: 'UDP' },
    { hostPort: 9000, containerPort: 9000 },
    { hostPort: 9001, containerPort: 9001, protocol: 'sctp', hostIP: '192.0.2.1' },
    { hostPort: 9002, containerPort: 9002, protocol: 'tcp', hostIP: '2001:DB8::1' },
    { hostPort: 9003, containerPort: 9003, protocol: 'tcp', hostIP: '0.0.0.0' },
    { hostPort: 9004, containerPort: 9004, protocol: 'udp', hostIP: '' },
  ]);
  assert.equal(m[1], { hostPort: 53, containerPort: 53, protocol: 'udp' });
  assert.is(m[2]!.protocol, 'tcp');
  assert.equal(m[3], { hostPort: 9001, containerPort: 9001, protocol: 'sctp', hostFamily: 4, hostIP: '192.0.2.1' });
  assert.equal(m[4], { hostPort: 9002, containerPort: 9002, protocol: 'tcp', hostFamily: 6, hostIP: '2001:db8::1' });
  assert.equal(m[5], { hostPort: 9003, containerPort: 9003, protocol: 'tcp', hostFamily: 4 }, '0.0.0.0: IPv4 only, any address');
  assert.equal(mappingsFor(4, m).map((x) => x.hostPort), [8080, 53, 9000, 9001, 9003, 9004]);
  assert.equal(mappingsFor(6, m).map((x) => x.hostPort), [8080, 53, 9000, 9002, 9004]);
  assert.equal(udpHostPorts([...m, ...m]), [53, 9004]);

  const cases: Array<[unknown, string]> = [
    [[{ hostPort: 80, containerPort: 0 }], 'Invalid container port number: 0'],
    [[{ hostPort: -1, containerPort: 80 }], 'Invalid host port number: -1'],
    [[{ hostPort: 65536, containerPort: 80 }], 'Invalid host port number: 65536'],
    [[{ hostPort: '80', containerPort: 80 }], 'Invalid host port number: "80"'],
    [[{ hostPort: 80, containerPort: 80, protocol: 'icmp' }], 'portMappings[0]: unsupported protocol "icmp" (tcp, udp or sctp)'],
    [[{ hostPort: 80, containerPort: 80, hostIP: 'localhost' }], 'portMappings[0]: invalid hostIP "localhost"'],
    [{ hostPort: 80 }, 'failed to load netconf: "runtimeConfig.portMappings" must be an array, got {"hostPort":80}'],
  ];
  for (const [raw, msg] of cases) {
    const e = cniErrorOf(() => parsePortMappings(raw));
    assert.is(e.code, 7);
    assert.is(e.message, msg);
  }
  assert.equal(parsePortMappings(undefined), []);
});

test('nft conditions: the supported grammar compiles as nft compiles it', () => {
  assert.is(conditionsSyntax([]), undefined);
  assert.is(conditionsSyntax(['']), undefined);
  const v4 = compileNftConditions('conditionsV4', 4, ['ip saddr != 192.0.2.0/24', 'ip', 'daddr', '10.0.0.1', 'iifname', '"eth0"', 'meta oifname != veth*']);
  assert.is(renderExprs('ip', v4), 'ip saddr != 192.0.2.0/24 ip daddr 10.0.0.1 iifname "eth0" oifname != "veth*"');
  const v6 = compileNftConditions('conditionsV6', 6, ['ip6 saddr == fd00::/8']);
  assert.is(renderExprs('ip6', v6), 'ip6 saddr fd00::/8');
  assert.equal(compileNftConditions('conditionsV4', 4, []), []);
});

test('nft conditions: anything else is code 2 naming the key; wrong family is code 7', () => {
  for (const c of [['tcp dport 22'], ['ip saddr { 10.0.0.1, 10.0.0.2 }'], ['ip saddr'], ['ip protocol tcp'], ['iifname']]) {
    const e = cniErrorOf(() => compileNftConditions('conditionsV4', 4, c));
    assert.is(e.code, 2, c.join(' '));
    assert.match(e.message, /^conditionsV4: unsupported nftables condition/);
  }
  assert.is(cniErrorOf(() => compileNftConditions('conditionsV6', 6, ['ip saddr 10.0.0.1'])).code, 7);
  assert.is(cniErrorOf(() => compileNftConditions('conditionsV4', 4, ['ip saddr fd00::1'])).code, 7);
  assert.is(cniErrorOf(() => compileNftConditions('conditionsV4', 4, ['iifname averyveryverylongname'])).code, 7);
  // The config is refused at parse time, before anything is changed.
  assert.is(cniErrorOf(() => parsePortmapConfig(base({ conditionsV4: ['tcp dport 22'] }))).code, 2);
});

const prev: Result = {
  cniVersion: '1.1.0',
  interfaces: [{ name: 'cni0', mac: 'aa:aa:aa:aa:aa:aa' }, { name: 'veth1', mac: 'bb:bb:bb:bb:bb:bb' }, { name: 'eth0', mac: 'cc:cc:cc:cc:cc:cc', sandbox: '/run/netns/x' }, { name: 'eth1', sandbox: '/run/netns/x' }],
  ips: [
    { interface: 0, address: '10.0.0.1/24' },
    { interface: 3, address: '10.1.0.5/24' },
    { interface: 2, address: '10.88.0.5/16', gateway: '10.88.0.1' },
    { interface: 2, address: '10.88.0.6/16' },
    { address: 'fd00::5/64' },
  ],
};

test('container addresses: first of each family on the sandbox interface CNI_IFNAME', () => {
  assert.equal(containerAddresses(prev, 'eth0'), [
    { family: 4, ip: '10.88.0.5', network: '10.88.0.0/16' },
    { family: 6, ip: 'fd00::5', network: 'fd00::/64' },
  ]);
  assert.equal(containerAddresses(prev, 'eth1')[0], { family: 4, ip: '10.1.0.5', network: '10.1.0.0/24' });
  assert.equal(containerAddresses({ cniVersion: '1.1.0' }, 'eth0'), []);
  const t = forwardTargets(containerAddresses(prev, 'eth0'), parsePortMappings([{ hostPort: 80, containerPort: 80, hostIP: '192.0.2.1' }]));
  assert.equal(t.map((x) => x.family), [4], 'a family without mappings gets no target');
});

test('GC: the container IDs to keep, from either attachment key', () => {
  assert.equal([...keptContainers(base({ 'cni.dev/valid-attachments': [{ containerID: 'a', ifname: 'eth0' }, { containerID: 'b', ifname: 'eth1' }] }))], ['a', 'b']);
  assert.equal([...keptContainers(base({ 'cni.dev/attachments': [] }))], []);
  assert.is(cniErrorOf(() => keptContainers(base())).code, 7, 'refused without the list');
  assert.is(cniErrorOf(() => keptContainers(base({ 'cni.dev/valid-attachments': [{ ifname: 'eth0' }] }))).code, 7);
});

test.run();
