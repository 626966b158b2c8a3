import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadHostLocalConfig } from '../../src/plugins/ipam/host-local/config/load.js';
import { DEFAULT_DATA_DIR } from '../../src/plugins/ipam/host-local/config/types.js';
import type { Command } from '../../src/skel/types.js';
import type { NetConf } from '../../src/spec/types.js';

const base = (ipam: object, extra: object = {}): NetConf => ({ cniVersion: '1.1.0', name: 'net1', type: 'bridge', ipam: { type: 'host-local', ...ipam }, ...extra });
const load = (conf: NetConf, command: Command = 'ADD', cniArgs = '') => loadHostLocalConfig(conf, { command, cniArgs });

function fails(conf: NetConf, code: number, msg: string, command: Command = 'ADD', cniArgs = '', details?: string): void {
  try {
    load(conf, command, cniArgs);
  } catch (err) {
    const e = err as { code: number; message: string; details?: string };
    assert.is(e.message, msg);
    assert.is(e.code, code, msg);
    if (details !== undefined) assert.is(e.details, details, msg);
    return;
  }
  assert.unreachable(`expected "${msg}"`);
}

const one = (range: object) => base({ ranges: [[range]] });

test('defaults: start .1, end broadcast-1 (v4) or last (v6), gateway .1, default dataDir', () => {
  const c = load(base({ ranges: [[{ subnet: '192.0.2.0/24' }], [{ subnet: '2001:DB8:1::/64' }]] }));
  const [v4, v6] = c.hostLocal.rangeSets.map((s) => s[0]!);
  assert.equal([v4!.rangeStart, v4!.rangeEnd, v4!.gateway].map(String), ['192.0.2.1', '192.0.2.254', '192.0.2.1']);
  assert.equal([v6!.rangeStart, v6!.rangeEnd, v6!.gateway].map(String), ['2001:db8:1::1', '2001:db8:1:0:ffff:ffff:ffff:ffff', '2001:db8:1::1']);
  assert.is(c.hostLocal.dataDir, DEFAULT_DATA_DIR);
  assert.equal(c.hostLocal.routes, []);
  assert.is(c.hostLocal.resolvConf, undefined);
});

test('explicit fields are kept; gateway outside the subnet is accepted as by the reference', () => {
  const c = load(base({ ranges: [[{ subnet: '192.0.2.0/24', rangeStart: '192.0.2.40', rangeEnd: '192.0.2.50', gateway: '192.0.3.1' }]], dataDir: '/tmp/x', resolvConf: '/etc/r', routes: [{ dst: '0.0.0.0/0' }] }));
  const r = c.hostLocal.rangeSets[0]![0]!;
  assert.equal([r.rangeStart, r.rangeEnd, r.gateway].map(String), ['192.0.2.40', '192.0.2.50', '192.0.3.1']);
  assert.is(c.hostLocal.dataDir, '/tmp/x');
  assert.is(c.hostLocal.resolvConf, '/etc/r');
  assert.equal(c.hostLocal.routes, [{ dst: '0.0.0.0/0' }]);
});

test('order of range sets: runtimeConfig.ipRanges, legacy top-level range, ipam.ranges', () => {
  const c = load(
    base(
      { subnet: '10.2.0.0/16', ranges: [[{ subnet: '10.3.0.0/16' }]] },
      { runtimeConfig: { ipRanges: [[{ subnet: '10.1.0.0/16' }]] } },
    ),
  );
  assert.equal(c.hostLocal.rangeSets.map((s) => s[0]!.subnet.toString()), ['10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16']);
});

test('legacy range without subnet is ignored (reference); a lone legacy range works', () => {
  const c = load(base({ rangeStart: '10.0.0.5', ranges: [[{ subnet: '10.3.0.0/16' }]] }));
  assert.is(c.hostLocal.rangeSets.length, 1);
  const l = load(base({ subnet: '10.2.0.0/24', rangeStart: '10.2.0.10', gateway: '10.2.0.254' }));
  const r = l.hostLocal.rangeSets[0]![0]!;
  assert.equal([r.rangeStart, r.rangeEnd, r.gateway].map(String), ['10.2.0.10', '10.2.0.254', '10.2.0.254']);
});

/** The reference's text in msg (LoadIPAMConfig, RangeSet and Range Canonicalize), the field in details. */
const refused = (conf: NetConf, msg: string, field: string) => fails(conf, 7, msg, 'ADD', '', field.includes(' and ') ? `fields ${field}` : `field ${field}`);

test("validation errors: the reference's text, the field in details (code 7)", () => {
  fails({ cniVersion: '1.1.0', name: 'n', type: 'x' }, 7, "IPAM config missing 'ipam' key");
  refused(base({}), 'no IP ranges specified', 'ipam.ranges');
  fails(base({ ranges: {} }), 7, 'ipam.ranges: expected an array of range sets');
  refused(base({ ranges: [[]] }), 'invalid range set 0: empty range set', 'ipam.ranges[0]');
  refused(base({ ranges: [{}] }), 'invalid range set 0: a range set must be an array of ranges', 'ipam.ranges[0]');
  refused(base({ ranges: [[5]] }), 'invalid range set 0: a range must be an object', 'ipam.ranges[0][0]');
  refused(one({}), 'invalid range set 0: subnet is missing', 'ipam.ranges[0][0].subnet');
  refused(one({ subnet: '10.0.0.0' }), 'invalid CIDR address: 10.0.0.0', 'ipam.ranges[0][0].subnet');
  refused(one({ subnet: '192.0.2.0/31' }), 'invalid range set 0: Network 192.0.2.0/31 too small to allocate from', 'ipam.ranges[0][0].subnet');
  refused(one({ subnet: '192.0.2.0/32' }), 'invalid range set 0: Network 192.0.2.0/32 too small to allocate from', 'ipam.ranges[0][0].subnet');
  refused(one({ subnet: '2001:db8::/127' }), 'invalid range set 0: Network 2001:db8::/127 too small to allocate from', 'ipam.ranges[0][0].subnet');
  refused(one({ subnet: '2001:db8::/128' }), 'invalid range set 0: Network 2001:db8::/128 too small to allocate from', 'ipam.ranges[0][0].subnet');
  refused(one({ subnet: '192.0.2.12/24' }), 'invalid range set 0: Network has host bits set. For a subnet mask of length 24 the network address is 192.0.2.0', 'ipam.ranges[0][0].subnet');
  refused(one({ subnet: '2001:DB8:1::24:19ff:fee1:c44a/64' }), 'invalid range set 0: Network has host bits set. For a subnet mask of length 64 the network address is 2001:db8:1::', 'ipam.ranges[0][0].subnet');
  refused(one({ subnet: '10.0.0.0/24', gateway: 'x' }), 'invalid IP address: x', 'ipam.ranges[0][0].gateway');
  refused(one({ subnet: '10.0.0.0/24', gateway: '2001::1' }), 'invalid range set 0: Gateway 2001::1 is not an IPv4 address like network 10.0.0.0/24', 'ipam.ranges[0][0].gateway');
  refused(one({ subnet: '10.0.0.0/24', rangeStart: '10.0.0.300' }), 'invalid IP address: 10.0.0.300', 'ipam.ranges[0][0].rangeStart');
  refused(one({ subnet: '10.0.0.0/24', rangeEnd: '10.0.1.4' }), 'invalid range set 0: RangeEnd 10.0.1.4 not in network 10.0.0.0/24', 'ipam.ranges[0][0].rangeEnd');
  refused(one({ subnet: '10.0.0.0/24', rangeStart: '10.0.0.50', rangeEnd: '10.0.0.40' }), 'invalid range set 0: RangeStart 10.0.0.50 is after RangeEnd 10.0.0.40', 'ipam.ranges[0][0].rangeStart');
  refused(one({ subnet: '10.0.0.0/24', rangeStart: '10.0.0.255' }), 'invalid range set 0: RangeStart 10.0.0.255 is after RangeEnd 10.0.0.254', 'ipam.ranges[0][0].rangeStart');
  refused(base({ ranges: [[{ subnet: '10.1.0.0/16' }, { subnet: '10.3.0.0/16', rangeStart: '10.2.0.5' }]] }), 'invalid range set 0: RangeStart 10.2.0.5 not in network 10.3.0.0/16', 'ipam.ranges[0][1].rangeStart');
  // Sets are numbered as the reference numbers them: runtimeConfig.ipRanges, the legacy range, ipam.ranges.
  refused(base({ subnet: '10.0.0.0/24', rangeStart: '10.9.0.1' }), 'invalid range set 0: RangeStart 10.9.0.1 not in network 10.0.0.0/24', 'ipam.rangeStart');
  refused(base({ subnet: '10.0.0.0/24', ranges: [[{ subnet: '10.1.0.0/24', rangeEnd: '10.9.0.1' }]] }), 'invalid range set 1: RangeEnd 10.9.0.1 not in network 10.1.0.0/24', 'ipam.ranges[0][0].rangeEnd');
  fails(base({ ranges: [[{ subnet: '10.0.0.0/24' }]], dataDir: 5 }), 7, 'ipam.dataDir: expected a string');
});

test('range sets: mixed families, overlap inside a set, overlap between sets', () => {
  refused(base({ ranges: [[{ subnet: '10.0.0.0/24' }, { subnet: '2001:db8::/64' }]] }), 'invalid range set 0: mixed address families', 'ipam.ranges[0]');
  refused(base({ ranges: [[{ subnet: '10.0.0.0/20' }, { subnet: '10.0.1.0/24' }]] }), 'invalid range set 0: subnets 10.0.0.1-10.0.15.254 and 10.0.1.1-10.0.1.254 overlap', 'ipam.ranges[0]');
  refused(base({ ranges: [[{ subnet: '10.0.0.0/24' }], [{ subnet: '10.0.0.0/24' }]] }), 'range set 0 overlaps with 1', 'ipam.ranges[0] and ipam.ranges[1]');
  refused(base({ subnet: '10.0.0.0/24', ranges: [[{ subnet: '10.0.0.0/24' }]] }), 'range set 0 overlaps with 1', 'ipam and ipam.ranges[0]');
  refused(base({ ranges: [[{ subnet: '10.0.0.0/24' }]] }, { runtimeConfig: { ipRanges: [[{ subnet: '10.0.0.0/16' }]] } }), 'range set 0 overlaps with 1', 'runtimeConfig.ipRanges[0] and ipam.ranges[0]');
  // same subnet, disjoint start/end: no overlap; different families never overlap
  load(base({ ranges: [[{ subnet: '10.0.0.0/24', rangeEnd: '10.0.0.127' }, { subnet: '10.0.0.0/24', rangeStart: '10.0.0.128' }]] }));
  load(base({ ranges: [[{ subnet: '0.0.0.0/24' }], [{ subnet: '::/24' }]] }));
});

test('0.2.0 and older: one address per family', () => {
  const two = { ranges: [[{ subnet: '10.0.0.0/24' }], [{ subnet: '10.1.0.0/24' }]] };
  fails(base(two, { cniVersion: '0.2.0' }), 7, 'CNI version 0.2.0 does not support more than 1 address per family');
  load(base(two, { cniVersion: '0.3.0' }));
  load(base({ ranges: [[{ subnet: '10.0.0.0/24' }], [{ subnet: '2001:db8::/64' }]] }, { cniVersion: '0.2.0' }));
});

test('requested IPs: CNI_ARGS IP, args.cni.ips, runtimeConfig.ips (with or without prefix), deduplicated', () => {
  const conf = base({ ranges: [[{ subnet: '10.0.0.0/24' }]] }, { args: { cni: { ips: ['10.0.0.7', '10.0.0.5'] } }, runtimeConfig: { ips: ['10.0.0.8/24', '::ffff:10.0.0.9'] } });
  const c = load(conf, 'ADD', 'IgnoreUnknown=1;K8S_POD_NAME=x;IP=10.0.0.5');
  assert.equal(c.hostLocal.requestedIps.map(String), ['10.0.0.5', '10.0.0.7', '10.0.0.8', '10.0.0.9']);
});

test('requested IP errors', () => {
  const conf = base({ ranges: [[{ subnet: '10.0.0.0/24' }]] });
  fails(conf, 4, 'CNI_ARGS IP: invalid IP address: 10.0.0.5/24', 'ADD', 'IP=10.0.0.5/24');
  fails(conf, 4, 'CNI_ARGS: unknown key "FOO" (add IgnoreUnknown=1 to ignore unknown keys)', 'ADD', 'FOO=1');
  fails({ ...conf, args: { cni: { ips: ['10.0.0.5/24'] } } }, 7, 'args.cni.ips[0]: invalid IP address: 10.0.0.5/24');
  fails({ ...conf, runtimeConfig: { ips: ['x'] } }, 7, 'runtimeConfig.ips[0]: invalid IP address: x');
});

test('DEL parses leniently: only the store location matters', () => {
  const c = load(base({ ranges: [[{ subnet: '10.0.0.1/24' }]], dataDir: '/d' }), 'DEL', 'FOO=1');
  assert.is(c.hostLocal.dataDir, '/d');
  assert.equal(c.hostLocal.rangeSets, []);
  fails({ cniVersion: '1.1.0', name: 'n', type: 'x' }, 7, "IPAM config missing 'ipam' key", 'DEL');
});

test.run();
