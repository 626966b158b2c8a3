/**
 * Link plugins without a kernel: their config parsers (defaults, the reference's messages, the
 * key precedence), the netlink requests they added (ifalias, move + rename), the kind data CHECK
 * reads back, and the struct ifreq handed to TUNSETIFF. Their kernel behaviour is tested in
 * test/integration (macvlan, host-device, tap) and test/vm (ipvlan, vlan, dummy).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AttrWriter, Attrs } from '../../src/netlink/codec/attr.js';
import { encodeIfInfoMsg, IFINFOMSG_LEN } from '../../src/netlink/codec/structs.js';
import { linkSetAliasRequest, linkSetNetnsRequest, parseLink } from '../../src/netlink/route/link.js';
import { linkAddRequest } from '../../src/netlink/route/link-add.js';
import { IFLA, IFLA_INFO } from '../../src/netlink/route/consts.js';
import { ifreq, tapFlags } from '../../src/netlink/tuntap/index.js';
import { parseMacvlanConfig } from '../../src/plugins/main/macvlan/index.js';
import { parseIpvlanConfig } from '../../src/plugins/main/ipvlan/index.js';
import { parseVlanConfig } from '../../src/plugins/main/vlan/index.js';
import { parseDummyConfig } from '../../src/plugins/main/dummy/index.js';
import { parseTapConfig } from '../../src/plugins/main/tap/index.js';
import { parseHostDeviceConfig } from '../../src/plugins/main/host-device/config.js';
import { cniErrorOf } from '../helpers/errors.js';
import type { NetConf } from '../../src/spec/types.js';

const base = (type: string, extra: Record<string, unknown> = {}): NetConf => ({ cniVersion: '1.1.0', name: 'n', type, ipam: { type: 'host-local' }, ...extra });

const requestAttrs = (body: Buffer) => Attrs.parse(body.subarray(IFINFOMSG_LEN));

test('macvlan: defaults, MAC precedence (mac < CNI_ARGS < runtimeConfig), errors', () => {
  const c = parseMacvlanConfig(base('macvlan'), '');
  assert.equal(c.settings, { master: undefined, mode: 'bridge', mtu: 0, mac: undefined });
  assert.equal(c.link, { ipamType: 'host-local', linkInContainer: false });
  assert.is(parseMacvlanConfig(base('macvlan', { mac: '02:00:00:00:00:01' }), '').settings.mac, '02:00:00:00:00:01');
  assert.is(parseMacvlanConfig(base('macvlan', { mac: '02:00:00:00:00:01' }), 'MAC=02-00-00-00-00-02').settings.mac, '02:00:00:00:00:02');
  assert.is(parseMacvlanConfig(base('macvlan', { runtimeConfig: { mac: '02:00:00:00:00:03' } }), 'MAC=02:00:00:00:00:02').settings.mac, '02:00:00:00:00:03');
  assert.is(parseMacvlanConfig(base('macvlan', { bcqueuelen: 100 }), '').settings.bcQueueLen, 100);
  assert.is(parseMacvlanConfig(base('macvlan', { ipam: undefined }), '').link.ipamType, '');
  assert.is(cniErrorOf(() => parseMacvlanConfig(base('macvlan', { mode: 'x' }), '')).message, 'unknown macvlan mode: "x"');
  assert.is(cniErrorOf(() => parseMacvlanConfig(base('macvlan', { mtu: -1 }), '')).code, 7);
  assert.match(cniErrorOf(() => parseMacvlanConfig(base('macvlan', { master: 'a b' }), '')).message, 'invalid "master"');
});

test('ipvlan: chained master from the prevResult, modes, addresses required for ADD', () => {
  const prevResult = { interfaces: [{ name: 'eth1' }], ips: [{ address: '10.0.0.2/24' }] };
  const chained = parseIpvlanConfig(base('ipvlan', { ipam: undefined, prevResult }), 'ADD');
  assert.is(chained.settings.master, 'eth1');
  assert.is(chained.settings.mode, 'l2');
  assert.is(cniErrorOf(() => parseIpvlanConfig(base('ipvlan', { prevResult: { interfaces: [{ name: 'a' }, { name: 'b' }] } }), 'ADD')).message, 'chained master failure. PrevResult lacks a single named interface');
  assert.match(cniErrorOf(() => parseIpvlanConfig(base('ipvlan', { ipam: undefined }), 'ADD')).message, 'ipvlan needs addresses');
  assert.is(parseIpvlanConfig(base('ipvlan', { ipam: undefined }), 'DEL').link.ipamType, '', 'DEL needs no addresses');
  assert.is(cniErrorOf(() => parseIpvlanConfig(base('ipvlan', { mode: 'l4' }), 'ADD')).message, 'unknown ipvlan mode: "l4"');
});

test('vlan: master and ipam required, vlanId 0..4094', () => {
  assert.equal(parseVlanConfig(base('vlan', { master: 'eth0', vlanId: 4094, mtu: 1400 })).settings, { master: 'eth0', vlanId: 4094, mtu: 1400 });
  assert.is(cniErrorOf(() => parseVlanConfig(base('vlan', { vlanId: 1 }))).message, '"master" field is required. It specifies the host interface name to create the VLAN for');
  assert.is(cniErrorOf(() => parseVlanConfig(base('vlan', { master: 'eth0', vlanId: 4095 }))).message, 'invalid VLAN ID 4095 (must be between 0 and 4094 inclusive)');
  assert.match(cniErrorOf(() => parseVlanConfig(base('vlan', { master: 'eth0', ipam: undefined }))).message, 'vlan needs an IPAM plugin');
});

test('dummy: ipam required; tap: owner/group are uids, MAC precedence, bridge name', () => {
  assert.is(cniErrorOf(() => parseDummyConfig(base('dummy', { ipam: undefined }))).message, 'dummy interface requires an IPAM configuration');
  const tap = parseTapConfig(base('tap', { multiQueue: true, owner: 0, group: 100, mac: '02:00:00:00:00:09', bridge: 'br0' }), '');
  assert.equal(tap.settings, { multiQueue: true, mtu: 0, mac: '02:00:00:00:00:09', owner: 0, group: 100, bridge: 'br0' });
  assert.is(cniErrorOf(() => parseTapConfig(base('tap', { group: 1.5 }), '')).code, 7);
  assert.is(cniErrorOf(() => parseTapConfig(base('tap', { owner: 4294967295 }), '')).code, 7);
});

test('host-device: one selector required, the reference order of preference, deviceID over pciBusID', () => {
  assert.is(cniErrorOf(() => parseHostDeviceConfig(base('host-device'))).message, 'specify either "device", "hwaddr", "kernelpath" or "pciBusID"');
  assert.equal(parseHostDeviceConfig(base('host-device', { device: 'eth1', hwaddr: '02:00:00:00:00:01' })).settings.selector, { device: 'eth1' });
  assert.equal(parseHostDeviceConfig(base('host-device', { hwaddr: '02-AA-00-00-00-01', kernelpath: '/sys/devices/x' })).settings.selector, { hwaddr: '02:aa:00:00:00:01' });
  assert.equal(parseHostDeviceConfig(base('host-device', { kernelpath: '/sys/devices/pci0000:00/0000:00:03.0' })).settings.selector, { kernelpath: '/sys/devices/pci0000:00/0000:00:03.0' });
  assert.match(cniErrorOf(() => parseHostDeviceConfig(base('host-device', { kernelpath: '/etc' }))).message, 'must be absolute and begin with /sys/devices/');
  // A PCI address that does not exist: the driver lookup fails as a config error, as the reference.
  assert.match(cniErrorOf(() => parseHostDeviceConfig(base('host-device', { pciBusID: '0000:ff:1f.7', runtimeConfig: { deviceID: '0000:fe:1f.7' } }))).message, /error with host device: .*0000:fe:1f\.7/);
  assert.is(parseHostDeviceConfig(base('host-device', { device: 'eth1', ipam: undefined })).settings.dataDir, '/var/lib/cni/host-device');
});

test('requests: ifalias (empty removes it), move to a netns with a new name in one request', () => {
  const alias = requestAttrs(linkSetAliasRequest(4, 'eth7').body);
  assert.equal(alias.get(IFLA.IFALIAS), Buffer.from('eth7'));
  assert.is(requestAttrs(linkSetAliasRequest(4, '').body).get(IFLA.IFALIAS)?.length, 0);
  const move = requestAttrs(linkSetNetnsRequest(4, 9, 'eth0').body);
  assert.is(move.u32(IFLA.NET_NS_FD), 9);
  assert.is(move.string(IFLA.IFNAME), 'eth0');
  assert.not.ok(requestAttrs(linkSetNetnsRequest(4, 9).body).has(IFLA.IFNAME));
  assert.throws(() => linkSetNetnsRequest(4, 9, 'a/b'), /invalid interface name/);
});

test('macvlan request carries the mode and the broadcast queue length; dummy can go straight into a netns', () => {
  const mv = requestAttrs(linkAddRequest({ kind: 'macvlan', name: 'm0', parentIndex: 2, mode: 'vepa', bcQueueLen: 50, nsFd: 7 }).body);
  const data = mv.nested(IFLA.LINKINFO)!.nested(IFLA_INFO.DATA)!;
  assert.is(data.u32(1), 2, 'IFLA_MACVLAN_MODE vepa');
  assert.is(data.u32(7), 50, 'IFLA_MACVLAN_BC_QUEUE_LEN');
  assert.is(mv.u32(IFLA.NET_NS_FD), 7);
  assert.is(requestAttrs(linkAddRequest({ kind: 'dummy', name: 'd0', nsFd: 3 }).body).u32(IFLA.NET_NS_FD), 3);
});

test('parseLink reads the macvlan / ipvlan mode and the VLAN id for CHECK', () => {
  const payload = (kind: string, data: (w: AttrWriter) => void) =>
    Buffer.concat([encodeIfInfoMsg({ index: 5 }), new AttrWriter().string(IFLA.IFNAME, 'eth0').nested(IFLA.LINKINFO, (i) => i.string(IFLA_INFO.KIND, kind).nested(IFLA_INFO.DATA, data)).toBuffer()]);
  assert.is(parseLink(payload('macvlan', (d) => d.u32(1, 16))).macvlanMode, 'source');
  assert.is(parseLink(payload('ipvlan', (d) => d.u16(1, 2))).ipvlanMode, 'l3s');
  assert.is(parseLink(payload('vlan', (d) => d.u16(1, 100))).vlanId, 100);
});

test('TUNSETIFF ifreq: name, then the flags short at offset 16', () => {
  const req = ifreq('tap0', tapFlags(true));
  assert.is(req.length, 40);
  assert.is(req.toString('utf8', 0, 4), 'tap0');
  assert.is(req[4], 0);
  assert.is(req.readUInt16LE(16), 0x0002 | 0x1000 | 0x4000 | 0x0100);
  assert.is(tapFlags(false) & 0x0100, 0);
  assert.throws(() => ifreq('x'.repeat(16), 2), /invalid interface name/);
});

test.run();
