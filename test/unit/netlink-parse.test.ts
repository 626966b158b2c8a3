/** Reply parsers and the Netlink handle's error mapping, with kernel-shaped messages built here. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { constants } from 'node:os';
import { AttrWriter } from '../../src/netlink/codec/attr.js';
import type { NetlinkMessage } from '../../src/netlink/codec/message.js';
import { encodeIfAddrMsg, encodeIfInfoMsg, encodeRtMsg } from '../../src/netlink/codec/structs.js';
import { LinkNotFoundError, NetlinkError } from '../../src/netlink/errors.js';
import { Netlink } from '../../src/netlink/netlink.js';
import { parseAddr } from '../../src/netlink/route/addr.js';
import { parseBridgeVlans } from '../../src/netlink/route/bridge.js';
import { parseLink } from '../../src/netlink/route/link.js';
import { parseRoute } from '../../src/netlink/route/route.js';
import type { NetlinkRequest, NetlinkTransport } from '../../src/netlink/transport.js';

const ip = (...b: number[]) => Buffer.from(b);

function vethPortPayload(): Buffer {
  const attrs = new AttrWriter()
    .string(3, 'veth0') // IFLA_IFNAME
    .u32(4, 1500) // IFLA_MTU
    .bytes(1, ip(0x0a, 0x58, 0, 0, 0, 0x2a)) // IFLA_ADDRESS
    .u32(13, 1000) // IFLA_TXQLEN
    .u8(16, 6) // IFLA_OPERSTATE up
    .u32(10, 3) // IFLA_MASTER
    .u32(5, 2) // IFLA_LINK: peer index
    .i32(37, 0) // IFLA_LINK_NETNSID
    .string(20, 'uplink') // IFLA_IFALIAS
    .attr(999, ip(1, 2, 3)) // something newer than this codebase: ignored
    .nested(18, (info) => {
      info.string(1, 'veth');
      info.string(4, 'bridge'); // IFLA_INFO_SLAVE_KIND
      info.nested(5, (d) => d.u8(1, 3).u8(4, 1).u8(8, 0).u8(33, 1)); // state, MODE (hairpin), LEARNING, ISOLATED
    });
  const flags = 0x1 | 0x2 | 0x40 | 0x1000 | 0x10000 | 0x100; // UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP|PROMISC
  return Buffer.concat([encodeIfInfoMsg({ family: 0, type: 1, index: 7, flags }), attrs.toBuffer()]);
}

test('parseLink: a veth bridge port with everything set', () => {
  assert.equal(parseLink(vethPortPayload()), {
    index: 7,
    name: 'veth0',
    mtu: 1500,
    mac: '0a:58:00:00:00:2a',
    flags: 0x11143,
    up: true,
    operState: 'up',
    promisc: true,
    masterIndex: 3,
    parentIndex: 2,
    linkNetnsId: 0,
    txQLen: 1000,
    alias: 'uplink',
    kind: 'veth',
    bridgePort: { hairpin: true, isolated: true, learning: false },
  });
});

test('parseLink: a bridge with vlan filtering, minimal attributes and an unknown oper state', () => {
  const attrs = new AttrWriter()
    .string(3, 'br0')
    .u8(16, 9)
    .nested(18, (i) => i.string(1, 'bridge').nested(2, (d) => d.u8(7, 1)));
  const link = parseLink(Buffer.concat([encodeIfInfoMsg({ index: 3 }), attrs.toBuffer()]));
  assert.is(link.kind, 'bridge');
  assert.equal(link.bridge, { vlanFiltering: true });
  assert.is(link.operState, '9');
  assert.is(link.mac, '');
  assert.is(link.up, false);
  assert.is(link.masterIndex, undefined);
});

test('parseAddr: IPv4 prefers IFA_LOCAL, IFA_FLAGS wins over the 8-bit field; other families skipped', () => {
  const v4 = Buffer.concat([
    encodeIfAddrMsg({ family: 2, prefixLen: 24, flags: 0x80, scope: 0, index: 4 }),
    new AttrWriter().bytes(1, ip(10, 0, 0, 9)).bytes(2, ip(10, 0, 0, 2)).string(3, 'eth0').u32(8, 0x280).toBuffer(),
  ]);
  assert.equal(parseAddr(v4), { index: 4, family: 4, address: '10.0.0.2', prefixLen: 24, cidr: '10.0.0.2/24', scope: 0, flags: 0x280, label: 'eth0' });
  const v6 = Buffer.concat([
    encodeIfAddrMsg({ family: 10, prefixLen: 64, flags: 0x80, scope: 253, index: 4 }),
    new AttrWriter().bytes(1, Buffer.from('fe800000000000000000000000000001', 'hex')).toBuffer(),
  ]);
  assert.equal(parseAddr(v6), { index: 4, family: 6, address: 'fe80::1', prefixLen: 64, cidr: 'fe80::1/64', scope: 253, flags: 0x80 });
  assert.is(parseAddr(encodeIfAddrMsg({ family: 17 })), undefined);
});

test('parseRoute: default route, big table id from RTA_TABLE, metrics', () => {
  const payload = Buffer.concat([
    encodeRtMsg({ family: 2, dstLen: 0, table: 252, protocol: 3, scope: 0, type: 1 }),
    new AttrWriter()
      .u32(15, 1000)
      .bytes(5, ip(10, 0, 0, 1))
      .u32(4, 5)
      .u32(6, 100)
      .bytes(7, ip(10, 0, 0, 2))
      .nested(8, (m) => m.u32(2, 1400).u32(8, 1360))
      .toBuffer(),
  ]);
  assert.equal(parseRoute(payload), {
    family: 4,
    dst: '0.0.0.0/0',
    table: 1000,
    scope: 0,
    protocol: 3,
    type: 1,
    flags: 0,
    gw: '10.0.0.1',
    index: 5,
    priority: 100,
    src: '10.0.0.2',
    mtu: 1400,
    advmss: 1360,
  });
  const v6 = parseRoute(Buffer.concat([encodeRtMsg({ family: 10, dstLen: 64, table: 254, type: 1 }), new AttrWriter().bytes(1, Buffer.from('fd000000000000010000000000000000', 'hex')).toBuffer()]));
  assert.is(v6?.dst, 'fd00:0:0:1::/64');
  assert.is(v6?.table, 254);
});

test('parseBridgeVlans: single entries and compressed ranges expand', () => {
  const info = (flags: number, vid: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt16LE(flags, 0);
    b.writeUInt16LE(vid, 2);
    return b;
  };
  const payload = Buffer.concat([
    encodeIfInfoMsg({ family: 7, index: 5 }),
    new AttrWriter().nested(26, (s) => s.bytes(2, info(0x6, 1)).bytes(2, info(0x8, 10)).bytes(2, info(0x10, 12))).toBuffer(),
  ]);
  assert.equal(parseBridgeVlans(payload), {
    index: 5,
    vlans: [
      { vid: 1, pvid: true, untagged: true },
      { vid: 10, pvid: false, untagged: false },
      { vid: 11, pvid: false, untagged: false },
      { vid: 12, pvid: false, untagged: false },
    ],
  });
});

/** A transport answering from a table of handlers keyed by op prefix. */
class FakeTransport implements NetlinkTransport {
  readonly seen: NetlinkRequest[] = [];
  constructor(private readonly answer: (req: NetlinkRequest) => Buffer[]) {}
  request(req: NetlinkRequest): NetlinkMessage[] {
    return this.dump(req);
  }
  dump(req: NetlinkRequest): NetlinkMessage[] {
    this.seen.push(req);
    return this.answer(req).map((payload) => ({ type: 16, flags: 0, seq: 1, pid: 1, payload }));
  }
  close(): void {}
}

const enodev = (op: string) => new NetlinkError({ errno: constants.errno.ENODEV, op });

test('Netlink: ENODEV on lookups and link changes becomes LinkNotFoundError; OrNull returns null', () => {
  const nl = new Netlink(
    new FakeTransport((req) => {
      throw enodev(req.op);
    }),
  );
  assert.throws(() => nl.linkByName('eth9'), (e: unknown) => e instanceof LinkNotFoundError && e.link === 'eth9');
  assert.throws(() => nl.linkByIndex(42), (e: unknown) => e instanceof LinkNotFoundError && e.link === 42 && e.cause instanceof NetlinkError);
  const notFound = (e: unknown) => e instanceof LinkNotFoundError;
  assert.throws(() => nl.linkSetUp(42), notFound);
  assert.throws(() => nl.linkDel(42), notFound);
  assert.is(nl.linkByNameOrNull('eth9'), null);
  assert.throws(() => nl.linkByName('a-name-longer-than-15'), notFound, 'no such link can exist: no request needed');
});

test('Netlink: routeList maps ENOENT (no such table) to [], filters clones, tables and devices', () => {
  const missing = new Netlink(
    new FakeTransport(() => {
      throw new NetlinkError({ errno: constants.errno.ENOENT, op: 'route list', extack: 'ipv4: FIB table does not exist' });
    }),
  );
  assert.equal(missing.routeList({ family: 4, table: 123 }), []);
  const route = (table: number, oif: number, flags = 0) =>
    Buffer.concat([encodeRtMsg({ family: 2, dstLen: 24, table, type: 1, scope: 253, protocol: 2, flags }), new AttrWriter().bytes(1, ip(10, 0, oif, 0)).u32(4, oif).toBuffer()]);
  const nl = new Netlink(new FakeTransport(() => [route(254, 1), route(254, 2), route(100, 1), route(254, 1, 0x200)]));
  assert.equal(nl.routeList().map((r) => r.dst), ['10.0.1.0/24', '10.0.2.0/24']);
  assert.equal(nl.routeList({ index: 2 }).map((r) => r.dst), ['10.0.2.0/24']);
  assert.equal(nl.routeList({ table: 0 }).length, 3);
  assert.equal(nl.routeList({ table: 100 })[0], { family: 4, dst: '10.0.1.0/24', table: 100, scope: 253, protocol: 2, type: 1, index: 1 });
});

test('Netlink: addrList filters by family and index', () => {
  const addr = (family: number, index: number, bytes: Buffer) => Buffer.concat([encodeIfAddrMsg({ family, prefixLen: 8, index }), new AttrWriter().bytes(1, bytes).toBuffer()]);
  const nl = new Netlink(new FakeTransport(() => [addr(2, 1, ip(127, 0, 0, 1)), addr(10, 1, Buffer.alloc(16)), addr(2, 2, ip(10, 0, 0, 1))]));
  assert.is(nl.addrList().length, 3);
  assert.equal(nl.addrList({ family: 4, index: 2 }).map((a) => a.cidr), ['10.0.0.1/8']);
  assert.equal(nl.addrList({ family: 6 }).map((a) => a.address), ['::']);
});

test.run();
