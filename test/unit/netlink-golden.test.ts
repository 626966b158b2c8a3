/**
 * Golden bytes of whole requests (header with seq 1, pid 0, as the channel frames them). Each is
 * annotated field by field and labelled with its iproute2 command. Where iproute2 6.1 sends the
 * same thing (checked with strace) the note says so; the differences are deliberate: nests carry
 * NLA_F_NESTED, strings carry their NUL, IPv4 addresses get a broadcast (as Go's netlink does),
 * routes always carry RTA_TABLE (as Go's netlink does).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NLM_F } from '../../src/netlink/codec/consts.js';
import { encodeMessage } from '../../src/netlink/codec/message.js';
import { addrAddRequest, addrDelRequest } from '../../src/netlink/route/addr.js';
import { bridgePortSetRequest, bridgeVlanRequest } from '../../src/netlink/route/bridge.js';
import { linkAddRequest } from '../../src/netlink/route/link-add.js';
import { linkFlagRequest } from '../../src/netlink/route/link.js';
import { IFF } from '../../src/netlink/route/consts.js';
import { routeModifyRequest } from '../../src/netlink/route/route.js';
import type { NetlinkRequest } from '../../src/netlink/transport.js';

function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\/\/.*$/gm, '').replace(/\s+/g, ''), 'hex');
}

/** Frame like NetlinkChannel.request does: REQUEST|ACK plus the request's own flags. */
function wire(req: NetlinkRequest): Buffer {
  return encodeMessage(req.type, NLM_F.REQUEST | NLM_F.ACK | (req.flags ?? 0), 1, 0, req.body);
}

function expectBytes(req: NetlinkRequest, expected: Buffer): void {
  const got = wire(req);
  assert.is(got.toString('hex'), expected.toString('hex'), req.op);
}

const isTypeError = (e: unknown) => e instanceof TypeError;

test('RTM_NEWLINK veth with peer', () => {
  // ip link add v0 type veth peer name v1
  expectBytes(
    linkAddRequest({ kind: 'veth', name: 'v0', peer: { name: 'v1' } }),
    hex(`
      58000000 1000 0506 01000000 00000000   // nlmsghdr: len 88, RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE, seq 1, pid 0
      00 00 0000 00000000 00000000 00000000  // ifinfomsg: AF_UNSPEC, type 0, index 0, flags 0, change 0
      0700 0300 76300000                     // IFLA_IFNAME "v0\\0"
      3000 1280                              // IFLA_LINKINFO | NLA_F_NESTED, len 48
        0900 0100 7665746800 000000          //   IFLA_INFO_KIND "veth\\0" (len 9, padded)
        2000 0280                            //   IFLA_INFO_DATA | NLA_F_NESTED, len 32
          1c00 0100                          //     VETH_INFO_PEER, len 28 (struct + attrs: no nested flag, like iproute2)
            00 00 0000 00000000 00000000 00000000  // peer ifinfomsg
            0700 0300 76310000               //       IFLA_IFNAME "v1\\0"
    `),
  );
});

test('RTM_NEWLINK veth with peer MTU, MAC and target netns fd', () => {
  // ip link add v0 mtu 9000 type veth peer name v1 address 02:00:00:00:00:01 netns <fd 7>
  expectBytes(
    linkAddRequest({ kind: 'veth', name: 'v0', mtu: 9000, peer: { name: 'v1', mac: '02:00:00:00:00:01', nsFd: 7 } }),
    hex(`
      7c000000 1000 0506 01000000 00000000   // len 124
      00000000 00000000 00000000 00000000    // ifinfomsg
      0700 0300 76300000                     // IFLA_IFNAME "v0"
      0800 0400 28230000                     // IFLA_MTU 9000
      4c00 1280                              // IFLA_LINKINFO (nested), len 76
        0900 0100 7665746800 000000          //   IFLA_INFO_KIND "veth"
        3c00 0280                            //   IFLA_INFO_DATA (nested), len 60
          3800 0100                          //     VETH_INFO_PEER, len 56
            00000000 00000000 00000000 00000000  //   peer ifinfomsg
            0700 0300 76310000               //       IFLA_IFNAME "v1"
            0800 0400 28230000               //       IFLA_MTU 9000 (inherited from v0)
            0a00 0100 020000000001 0000      //       IFLA_ADDRESS 02:00:00:00:00:01 (len 10, padded)
            0800 1c00 07000000               //       IFLA_NET_NS_FD 7
    `),
  );
});

test('RTM_NEWLINK vxlan: VNI, local, port big-endian, lower device inside IFLA_INFO_DATA', () => {
  // ip link add vx0 type vxlan id 42 local 10.0.0.1 dev <3> dstport 4789 nolearning
  expectBytes(
    linkAddRequest({ kind: 'vxlan', name: 'vx0', vni: 42, local: '10.0.0.1', parentIndex: 3, port: 4789, learning: false }),
    hex(`
      64000000 1000 0506 01000000 00000000   // len 100
      00000000 00000000 00000000 00000000    // ifinfomsg
      0800 0300 76783000                     // IFLA_IFNAME "vx0"
      3c00 1280                              // IFLA_LINKINFO (nested), len 60
        0a00 0100 7678 6c61 6e00 0000        //   IFLA_INFO_KIND "vxlan"
        2c00 0280                            //   IFLA_INFO_DATA (nested), len 44
          0800 0100 2a000000                 //     IFLA_VXLAN_ID 42
          0800 0400 0a000001                 //     IFLA_VXLAN_LOCAL 10.0.0.1
          0800 0300 03000000                 //     IFLA_VXLAN_LINK 3
          0500 0700 00 000000                //     IFLA_VXLAN_LEARNING 0
          0600 0f00 12b5 0000                //     IFLA_VXLAN_PORT 4789 (network order)
    `),
  );
});

test('RTM_NEWLINK macvlan on a parent, created straight into a netns', () => {
  // ip link add mv0 link <2> netns <fd 9> type macvlan mode bridge
  expectBytes(
    linkAddRequest({ kind: 'macvlan', name: 'mv0', parentIndex: 2, mode: 'bridge', nsFd: 9 }),
    hex(`
      54000000 1000 0506 01000000 00000000   // len 84
      00000000 00000000 00000000 00000000    // ifinfomsg
      0800 0300 6d763000                     // IFLA_IFNAME "mv0"
      0800 0500 02000000                     // IFLA_LINK 2
      0800 1c00 09000000                     // IFLA_NET_NS_FD 9
      1c00 1280                              // IFLA_LINKINFO (nested), len 28
        0c00 0100 6d6163766c616e00           //   IFLA_INFO_KIND "macvlan"
        0c00 0280                            //   IFLA_INFO_DATA (nested)
          0800 0100 04000000                 //     IFLA_MACVLAN_MODE BRIDGE (4)
    `),
  );
});

test('RTM_NEWLINK set up', () => {
  // ip link set dev <5> up
  expectBytes(
    linkFlagRequest(5, IFF.UP, true, 'up'),
    hex(`
      20000000 1000 0500 01000000 00000000   // len 32, RTM_NEWLINK, REQUEST|ACK (no CREATE: modify)
      00 00 0000 05000000 01000000 01000000  // ifinfomsg: index 5, flags IFF_UP, change IFF_UP
    `),
  );
});

test('RTM_NEWADDR IPv4 with computed broadcast', () => {
  // ip addr add 10.0.0.2/24 broadcast 10.0.0.255 dev <3>   (iproute2 sends the same without IFA_BROADCAST)
  expectBytes(
    addrAddRequest(3, '10.0.0.2/24'),
    hex(`
      30000000 1400 0506 01000000 00000000   // len 48, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE
      02 18 00 00 03000000                   // ifaddrmsg: AF_INET, /24, flags 0, scope universe, index 3
      0800 0200 0a000002                     // IFA_LOCAL 10.0.0.2
      0800 0100 0a000002                     // IFA_ADDRESS 10.0.0.2
      0800 0400 0a0000ff                     // IFA_BROADCAST 10.0.0.255
    `),
  );
});

test('RTM_NEWADDR IPv6 nodad (identical to iproute2)', () => {
  // ip addr add fd00::2/64 dev <3> nodad
  expectBytes(
    addrAddRequest(3, 'fd00::2/64', { noDad: true }),
    hex(`
      40000000 1400 0506 01000000 00000000   // len 64, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE
      0a 40 02 00 03000000                   // ifaddrmsg: AF_INET6, /64, IFA_F_NODAD, scope 0, index 3
      1400 0200 fd000000 00000000 00000000 00000002  // IFA_LOCAL fd00::2
      1400 0100 fd000000 00000000 00000000 00000002  // IFA_ADDRESS fd00::2
    `),
  );
});

test('RTM_NEWADDR replace with flags above 0xff goes to IFA_FLAGS', () => {
  // ip addr replace fd00::2/64 dev <3> nodad noprefixroute
  const req = addrAddRequest(3, 'fd00::2/64', { noDad: true, noPrefixRoute: true, replace: true });
  const got = wire(req);
  assert.is(got.readUInt16LE(6), NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE | NLM_F.REPLACE);
  assert.is(got.subarray(16, 24).toString('hex'), '0a40020003000000', 'ifa_flags keeps the low byte');
  assert.is(got.subarray(-8).toString('hex'), '0800080002020000', 'IFA_FLAGS 0x202');
});

test('RTM_DELADDR', () => {
  // ip addr del 10.0.0.2/24 dev <3>
  expectBytes(
    addrDelRequest(3, '10.0.0.2/24'),
    hex(`
      28000000 1500 0500 01000000 00000000   // len 40, RTM_DELADDR, REQUEST|ACK
      02 18 00 00 03000000                   // ifaddrmsg
      0800 0200 0a000002                     // IFA_LOCAL
      0800 0100 0a000002                     // IFA_ADDRESS
    `),
  );
});

test('RTM_NEWROUTE with gateway, device, metric and table', () => {
  // ip route add 10.1.0.0/16 via 10.0.0.1 dev <3> table 100 metric 50
  expectBytes(
    routeModifyRequest('add', { dst: '10.1.0.0/16', gw: '10.0.0.1', index: 3, table: 100, priority: 50 }),
    hex(`
      44000000 1800 0506 01000000 00000000   // len 68, RTM_NEWROUTE, REQUEST|ACK|EXCL|CREATE
      02 10 00 00 64 03 00 01 00000000       // rtmsg: AF_INET, dst /16, src 0, tos 0, table 100, proto boot, scope universe, unicast, flags 0
      0800 0100 0a010000                     // RTA_DST 10.1.0.0
      0800 0500 0a000001                     // RTA_GATEWAY 10.0.0.1
      0800 0400 03000000                     // RTA_OIF 3
      0800 0600 32000000                     // RTA_PRIORITY 50
      0800 0f00 64000000                     // RTA_TABLE 100
    `),
  );
});

test('RTM_NEWROUTE replace: table above 255 only in RTA_TABLE; metrics nest; host bits cleared', () => {
  // ip route replace 10.1.2.3/16 dev <4> table 1000 mtu 1400 advmss 1360   (stored as 10.1.0.0/16, scope link)
  expectBytes(
    routeModifyRequest('replace', { dst: '10.1.2.3/16', index: 4, table: 1000, mtu: 1400, advmss: 1360 }),
    hex(`
      48000000 1800 0505 01000000 00000000   // len 72, RTM_NEWROUTE, REQUEST|ACK|REPLACE|CREATE
      02 10 00 00 00 03 fd 01 00000000       // rtmsg: table 0 (RT_TABLE_UNSPEC), proto boot, scope link (no gateway), unicast
      0800 0100 0a010000                     // RTA_DST 10.1.0.0
      0800 0400 04000000                     // RTA_OIF 4
      0800 0f00 e8030000                     // RTA_TABLE 1000
      1400 0880                              // RTA_METRICS | NLA_F_NESTED, len 20
        0800 0200 78050000                   //   RTAX_MTU 1400
        0800 0800 50050000                   //   RTAX_ADVMSS 1360
    `),
  );
});

test('RTM_DELROUTE default IPv6 route: wildcard protocol/type, scope nowhere', () => {
  // ip -6 route del default via fd00::1
  expectBytes(
    routeModifyRequest('del', { dst: '::/0', gw: 'fd00::1' }),
    hex(`
      38000000 1900 0500 01000000 00000000   // len 56, RTM_DELROUTE, REQUEST|ACK
      0a 00 00 00 fe 00 ff 00 00000000       // rtmsg: AF_INET6, /0, table main, proto 0, scope nowhere, type 0
      1400 0500 fd000000 00000000 00000000 00000001  // RTA_GATEWAY fd00::1 (no RTA_DST for /0)
      0800 0f00 fe000000                     // RTA_TABLE 254
    `),
  );
});

test('bridge port flags: AF_BRIDGE RTM_SETLINK with nested IFLA_PROTINFO', () => {
  // bridge link set dev <6> hairpin on isolated off
  expectBytes(
    bridgePortSetRequest(6, { hairpin: true, isolated: false }),
    hex(`
      34000000 1300 0500 01000000 00000000   // len 52, RTM_SETLINK, REQUEST|ACK
      07 00 0000 06000000 00000000 00000000  // ifinfomsg: AF_BRIDGE, index 6
      1400 0c80                              // IFLA_PROTINFO | NLA_F_NESTED (required by br_setlink), len 20
        0500 0400 01 000000                  //   IFLA_BRPORT_MODE 1 (hairpin)
        0500 2100 00 000000                  //   IFLA_BRPORT_ISOLATED 0
    `),
  );
});

test('bridge vlan add range with pvid untagged on the bridge itself', () => {
  // bridge vlan add dev <2> vid 10-20 pvid untagged self
  expectBytes(
    bridgeVlanRequest('add', 2, 10, { range: [10, 20], pvid: true, untagged: true, self: true }),
    hex(`
      3c000000 1300 0500 01000000 00000000   // len 60, RTM_SETLINK, REQUEST|ACK
      07 00 0000 02000000 00000000 00000000  // ifinfomsg: AF_BRIDGE, index 2
      1c00 1a80                              // IFLA_AF_SPEC (nested), len 28
        0600 0000 0200 0000                  //   IFLA_BRIDGE_FLAGS BRIDGE_FLAGS_SELF
        0800 0200 0e00 0a00                  //   IFLA_BRIDGE_VLAN_INFO flags PVID|UNTAGGED|RANGE_BEGIN, vid 10
        0800 0200 1600 1400                  //   IFLA_BRIDGE_VLAN_INFO flags PVID|UNTAGGED|RANGE_END, vid 20
    `),
  );
});

test('invalid input is a TypeError before anything is sent', () => {
  assert.throws(() => linkAddRequest({ kind: 'veth', name: 'this-name-is-too-long', peer: { name: 'p' } }), isTypeError);
  assert.throws(() => linkAddRequest({ kind: 'veth', name: 'v0', peer: { name: 'a/b' } }), isTypeError);
  assert.throws(() => addrAddRequest(1, '10.0.0.1'), isTypeError);
  assert.throws(() => addrAddRequest(1, '10.0.0.1/33'), isTypeError);
  assert.throws(() => routeModifyRequest('add', { dst: '10.0.0.0/8', gw: 'fd00::1' }), isTypeError);
  assert.throws(() => bridgeVlanRequest('add', 1, 4095), isTypeError);
  assert.throws(() => linkAddRequest({ kind: 'macvlan', name: 'm', parentIndex: 1, mode: 'nope' as 'bridge' }), isTypeError);
});

test.run();
