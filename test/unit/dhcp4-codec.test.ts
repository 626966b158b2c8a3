import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  BOOTREPLY,
  decodeMessage,
  DhcpDecodeError,
  encodeMessage,
  MAGIC_COOKIE,
  MessageType,
  messageType,
  newMessage,
  Opt,
} from '../../src/plugins/ipam/dhcp/dhcp4/message.js';
import {
  clientIdOption,
  decodeClasslessRoutes,
  decodeDomainSearch,
  decodeStaticRoutes,
  encodeClasslessRoutes,
  encodeDomainSearch,
  ipList,
  maskToPrefix,
  readIpList,
  u32,
} from '../../src/plugins/ipam/dhcp/dhcp4/options.js';
import { leaseFromAck, leaseResult, LeaseError } from '../../src/plugins/ipam/dhcp/dhcp4/lease-info.js';

const mac = Buffer.from([0x02, 0x42, 0xac, 0x11, 0x00, 0x02]);

test('encode: fixed header fields at their RFC 2131 offsets, cookie, message type first, END, padded to 300', () => {
  const m = newMessage({ xid: 0xdeadbeef, chaddr: mac, flags: 0x8000, ciaddr: '10.1.2.3', secs: 7 });
  m.options.set(Opt.CLIENT_ID, clientIdOption('c1/net/eth0'));
  m.options.set(Opt.MESSAGE_TYPE, Buffer.from([MessageType.DISCOVER]));
  const b = encodeMessage(m);
  assert.is(b.length, 300);
  assert.equal([b[0], b[1], b[2], b[3]], [1, 1, 6, 0]);
  assert.is(b.readUInt32BE(4), 0xdeadbeef);
  assert.is(b.readUInt16BE(8), 7);
  assert.is(b.readUInt16BE(10), 0x8000);
  assert.equal([...b.subarray(12, 16)], [10, 1, 2, 3]);
  assert.ok(b.subarray(28, 34).equals(mac));
  assert.is(b.readUInt32BE(236), MAGIC_COOKIE);
  // 53 comes first even though 61 was set first; 61 is type 0 then the text (as the reference).
  assert.equal([...b.subarray(240, 243)], [53, 1, 1]);
  assert.equal([...b.subarray(243, 246)], [61, 12, 0]);
  assert.is(b.subarray(246, 257).toString(), 'c1/net/eth0');
  assert.is(b[257], 255);
});

test('decode(encode(m)) round-trips every field', () => {
  const m = newMessage({ op: BOOTREPLY, xid: 42, chaddr: mac, yiaddr: '192.168.7.9', siaddr: '192.168.7.1', giaddr: '0.0.0.0', sname: 'srv', file: 'boot' });
  m.options.set(Opt.MESSAGE_TYPE, Buffer.from([MessageType.ACK]));
  m.options.set(Opt.SUBNET_MASK, Buffer.from([255, 255, 255, 0]));
  m.options.set(Opt.ROUTER, ipList(['192.168.7.1', '192.168.7.2']));
  const d = decodeMessage(encodeMessage(m));
  assert.is(d.op, BOOTREPLY);
  assert.is(d.xid, 42);
  assert.is(d.yiaddr, '192.168.7.9');
  assert.is(d.siaddr, '192.168.7.1');
  assert.is(d.sname, 'srv');
  assert.is(d.file, 'boot');
  assert.ok(d.chaddr.equals(mac));
  assert.is(messageType(d), MessageType.ACK);
  assert.equal(readIpList(d.options.get(Opt.ROUTER)), ['192.168.7.1', '192.168.7.2']);
});

test('RFC 3396: a value over 255 bytes is split on encode and joined on decode', () => {
  const long = Buffer.alloc(600, 0x61);
  const m = newMessage({ xid: 1, chaddr: mac });
  m.options.set(Opt.HOST_NAME, long);
  const b = encodeMessage(m);
  assert.equal([b[240], b[241]], [12, 255]);
  assert.ok(decodeMessage(b).options.get(Opt.HOST_NAME)!.equals(long));
});

test('option overload (52): options in the file and sname fields are read', () => {
  const m = newMessage({ xid: 1, chaddr: mac });
  m.options.set(Opt.OVERLOAD, Buffer.from([3]));
  const b = encodeMessage(m);
  Buffer.from([Opt.DOMAIN_NAME, 3, 0x61, 0x62, 0x63, 255]).copy(b, 108); // file
  Buffer.from([Opt.ROUTER, 4, 10, 0, 0, 1, 255]).copy(b, 44); // sname
  const d = decodeMessage(b);
  assert.is(d.options.get(Opt.DOMAIN_NAME)!.toString(), 'abc');
  assert.equal(readIpList(d.options.get(Opt.ROUTER)), ['10.0.0.1']);
  assert.is(d.file, '');
});

test('decode rejects short messages, a missing cookie and options running past the end', () => {
  assert.throws(() => decodeMessage(Buffer.alloc(100)), (e: Error) => e instanceof DhcpDecodeError && /too short/.test(e.message));
  const b = encodeMessage(newMessage({ xid: 1, chaddr: mac }));
  const noCookie = Buffer.from(b);
  noCookie.writeUInt32BE(0, 236);
  assert.throws(() => decodeMessage(noCookie), /magic cookie/);
  const bad = Buffer.from(b.subarray(0, 244));
  bad[240] = 12;
  bad[241] = 50;
  assert.throws(() => decodeMessage(bad), /runs past the end/);
});

test('option 121 (RFC 3442): the RFC examples, a default route, and the round trip', () => {
  // 0 -> default; 8 10 -> 10.0.0.0/8; 24 10.17.0 -> 10.17.0.0/24; 32 -> host route
  const v = Buffer.from([0, 10, 0, 0, 1, 8, 10, 10, 0, 0, 2, 24, 10, 17, 0, 10, 0, 0, 3, 32, 10, 9, 8, 7, 10, 0, 0, 4]);
  const routes = decodeClasslessRoutes(v);
  assert.equal(routes, [
    { dst: '0.0.0.0/0', gw: '10.0.0.1' },
    { dst: '10.0.0.0/8', gw: '10.0.0.2' },
    { dst: '10.17.0.0/24', gw: '10.0.0.3' },
    { dst: '10.9.8.7/32', gw: '10.0.0.4' },
  ]);
  assert.ok(encodeClasslessRoutes(routes).equals(v));
  assert.throws(() => decodeClasslessRoutes(Buffer.from([33, 1, 2, 3, 4, 5, 6, 7, 8])), /prefix length/);
  assert.throws(() => decodeClasslessRoutes(Buffer.from([24, 10, 0])), /truncated/);
});

test('option 33: classful destinations', () => {
  assert.equal(decodeStaticRoutes(Buffer.from([10, 0, 0, 0, 1, 1, 1, 1, 172, 16, 0, 0, 2, 2, 2, 2, 192, 168, 3, 0, 3, 3, 3, 3])), [
    { dst: '10.0.0.0/8', gw: '1.1.1.1' },
    { dst: '172.16.0.0/16', gw: '2.2.2.2' },
    { dst: '192.168.3.0/24', gw: '3.3.3.3' },
  ]);
});

test('option 119 (RFC 3397): compression pointers, the RFC example', () => {
  // eng.apple.com, marketing.apple.com (the second points at "apple.com" of the first)
  const v = Buffer.from([3, ...Buffer.from('eng'), 5, ...Buffer.from('apple'), 3, ...Buffer.from('com'), 0, 9, ...Buffer.from('marketing'), 0xc0, 4]);
  assert.equal(decodeDomainSearch(v), ['eng.apple.com', 'marketing.apple.com']);
  assert.equal(decodeDomainSearch(encodeDomainSearch(['a.example', 'b.test'])), ['a.example', 'b.test']);
  assert.throws(() => decodeDomainSearch(Buffer.from([0xc0, 0])), /loop/);
  assert.throws(() => decodeDomainSearch(Buffer.from([5, 0x61])), /past the end/);
});

test('subnet mask to prefix; non-contiguous masks are refused', () => {
  assert.is(maskToPrefix(Buffer.from([255, 255, 255, 0])), 24);
  assert.is(maskToPrefix(Buffer.from([255, 255, 255, 255])), 32);
  assert.is(maskToPrefix(Buffer.from([0, 0, 0, 0])), 0);
  assert.is(maskToPrefix(Buffer.from([255, 0, 255, 0])), undefined);
});

function ack(opts: [number, Buffer][]): ReturnType<typeof decodeMessage> {
  const m = newMessage({ op: BOOTREPLY, xid: 1, chaddr: mac, yiaddr: '10.5.0.20' });
  m.options.set(Opt.MESSAGE_TYPE, Buffer.from([MessageType.ACK]));
  for (const [c, v] of opts) m.options.set(c, v);
  return decodeMessage(encodeMessage(m));
}
const base: [number, Buffer][] = [
  [Opt.SUBNET_MASK, Buffer.from([255, 255, 255, 0])],
  [Opt.SERVER_ID, ipList(['10.5.0.1'])],
  [Opt.LEASE_TIME, u32(3600)],
];

test('lease: T1/T2 default to 50% / 85% of the lease; server values are used when sane', () => {
  const l = leaseFromAck(ack(base));
  assert.equal([l.leaseTime, l.renewalTime, l.rebindingTime], [3600, 1800, 3060]);
  const l2 = leaseFromAck(ack([...base, [Opt.RENEWAL_TIME, u32(600)], [Opt.REBINDING_TIME, u32(900)]]));
  assert.equal([l2.renewalTime, l2.rebindingTime], [600, 900]);
  const l3 = leaseFromAck(ack([...base, [Opt.RENEWAL_TIME, u32(4000)], [Opt.REBINDING_TIME, u32(5000)]]));
  assert.equal([l3.renewalTime, l3.rebindingTime], [1800, 3060]);
});

test('lease: missing mask is the reference error; missing lease time is an error', () => {
  assert.throws(() => leaseFromAck(ack(base.slice(1))), (e: Error) => e instanceof LeaseError && e.message === 'DHCP option Subnet Mask not found in DHCPACK');
  assert.throws(() => leaseFromAck(ack(base.slice(0, 2))), /Lease Time/);
});

test('result: gateway and default route from option 3, plus option 33 routes; DNS from 6/15/119', () => {
  const l = leaseFromAck(
    ack([
      ...base,
      [Opt.ROUTER, ipList(['10.5.0.1'])],
      [Opt.STATIC_ROUTES, Buffer.from([192, 168, 9, 0, 10, 5, 0, 2])],
      [Opt.DNS_SERVERS, ipList(['10.5.0.53', '10.5.0.54'])],
      [Opt.DOMAIN_NAME, Buffer.from('corp.test\0')],
      [Opt.DOMAIN_SEARCH, encodeDomainSearch(['corp.test', 'example.test'])],
    ]),
  );
  assert.equal(leaseResult(l), {
    cniVersion: '1.1.0',
    ips: [{ address: '10.5.0.20/24', gateway: '10.5.0.1' }],
    routes: [
      { dst: '192.168.9.0/24', gw: '10.5.0.2' },
      { dst: '0.0.0.0/0', gw: '10.5.0.1' },
    ],
    dns: { nameservers: ['10.5.0.53', '10.5.0.54'], domain: 'corp.test', search: ['corp.test', 'example.test'] },
  });
});

test('result: option 121 replaces option 3 and 33 routes (RFC 3442); priority applies to every route', () => {
  const l = leaseFromAck(
    ack([
      ...base,
      [Opt.ROUTER, ipList(['10.5.0.1'])],
      [Opt.STATIC_ROUTES, Buffer.from([192, 168, 9, 0, 10, 5, 0, 2])],
      [Opt.CLASSLESS_ROUTES, encodeClasslessRoutes([{ dst: '0.0.0.0/0', gw: '10.5.0.3' }, { dst: '172.20.0.0/14', gw: '10.5.0.4' }])],
    ]),
  );
  assert.equal(leaseResult(l, 50).routes, [
    { dst: '0.0.0.0/0', gw: '10.5.0.3', priority: 50 },
    { dst: '172.20.0.0/14', gw: '10.5.0.4', priority: 50 },
  ]);
});

test.run();
