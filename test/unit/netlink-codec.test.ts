/** Netlink attribute and message framing, without root: round trips, padding, errors/ACKs. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AttrWriter, Attrs, NLA_F_NESTED, parseAttrs } from '../../src/netlink/codec/attr.js';
import { NLM_F, NLMSG } from '../../src/netlink/codec/consts.js';
import { encodeMessage, parseDonePayload, parseErrorPayload, splitMessages } from '../../src/netlink/codec/message.js';
import { decodeIfInfoMsg, decodeRtMsg, encodeIfInfoMsg, encodeRtMsg } from '../../src/netlink/codec/structs.js';
import { NetlinkDecodeError, NetlinkError, LinkNotFoundError, isExists, isNotFound } from '../../src/netlink/errors.js';

/** Hex with `//` comments and whitespace ignored. */
function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\/\/.*$/gm, '').replace(/\s+/g, ''), 'hex');
}

test('scalar attributes are padded to 4 bytes; nla_len excludes the padding', () => {
  const b = new AttrWriter().u8(1, 0xab).u16(2, 0x1234).u32(3, 0xdeadbeef).string(4, 'ab').toBuffer();
  assert.equal(
    b,
    hex(`
      0500 0100 ab 000000        // u8: len 5, padded to 8
      0600 0200 3412 0000        // u16 host order
      0800 0300 efbeadde         // u32 host order
      0700 0400 616200 00        // "ab\\0": len 7, padded to 8
    `),
  );
});

test('big-endian helpers write network order; readers agree', () => {
  const b = new AttrWriter().u16be(15, 4789).u32be(1, 0x01020304).u64(2, 0x0102030405060708n).toBuffer();
  assert.equal(b.subarray(0, 8), hex('0600 0f00 12b5 0000'), 'IFLA_VXLAN_PORT 4789 = 0x12b5 big-endian');
  const a = Attrs.parse(b);
  assert.is(a.u16be(15), 4789);
  assert.is(a.get(1)!.readUInt32BE(0), 0x01020304);
  assert.is(a.u64(2), 0x0102030405060708n);
});

test('nested attributes: NLA_F_NESTED set by default, optional off, decode through nesting', () => {
  const b = new AttrWriter()
    .nested(18, (info) => {
      info.string(1, 'veth');
      info.nested(2, (d) => d.u32(7, 42));
    })
    .nested(9, (m) => m.u32(2, 1400), { flag: false })
    .toBuffer();
  const top = parseAttrs(b);
  assert.is(top.length, 2);
  assert.is(top[0]!.type, 18);
  assert.is(top[0]!.rawType, 18 | NLA_F_NESTED);
  assert.is(top[1]!.rawType, 9, 'no flag when asked');
  const info = Attrs.parse(b).nested(18)!;
  assert.is(info.string(1), 'veth');
  assert.is(info.nested(2)!.u32(7), 42);
  assert.is(Attrs.parse(b).nested(9)!.u32(2), 1400);
});

test('an unknown attribute survives decode and re-encode byte for byte', () => {
  const original = new AttrWriter()
    .string(3, 'eth0')
    .attr(0x7777 & 0x3fff, Buffer.from([1, 2, 3])) // a type this codebase has never heard of, odd length
    .nested(18, (n) => n.attr(999, Buffer.from('opaque')))
    .attr(0x4000 | 42, Buffer.from([0, 1])) // NLA_F_NET_BYTEORDER kept in rawType
    .toBuffer();
  const decoded = parseAttrs(original);
  assert.is(decoded[1]!.type, 0x7777 & 0x3fff);
  assert.is(decoded[3]!.type, 42);
  const again = new AttrWriter().attrs(decoded).toBuffer();
  assert.equal(again, original);
});

test('string reader stops at NUL; missing attributes are undefined; short values throw', () => {
  const a = Attrs.parse(new AttrWriter().attr(3, Buffer.from('lo\0junk')).attr(4, Buffer.from([1])).toBuffer());
  assert.is(a.string(3), 'lo');
  assert.is(a.u32(99), undefined);
  assert.throws(() => a.u32(4), (e: unknown) => e instanceof NetlinkDecodeError);
});

test('malformed attribute length is a NetlinkDecodeError', () => {
  assert.throws(() => parseAttrs(hex('0900 0100 00000000')), (e: unknown) => e instanceof NetlinkDecodeError);
  assert.throws(() => parseAttrs(hex('0200 0100')), (e: unknown) => e instanceof NetlinkDecodeError);
});

test('message framing: header fields, padding, split of a multi-message datagram', () => {
  const m1 = encodeMessage(16, NLM_F.MULTI, 7, 1234, Buffer.from([1, 2, 3]));
  assert.equal(m1, hex('13000000 1000 0200 07000000 d2040000 010203 00'), 'len 19 padded to 20');
  const m2 = encodeMessage(NLMSG.DONE, NLM_F.MULTI, 7, 1234, Buffer.alloc(4));
  const parts = splitMessages(Buffer.concat([m1, m2]));
  assert.is(parts.length, 2);
  assert.equal(parts[0], { type: 16, flags: NLM_F.MULTI, seq: 7, pid: 1234, payload: Buffer.from([1, 2, 3]) });
  assert.is(parts[1]!.type, NLMSG.DONE);
  assert.throws(() => splitMessages(hex('ff000000 1000 0000 00000000 00000000')), (e: unknown) => e instanceof NetlinkDecodeError);
});

test('struct headers round-trip', () => {
  const ifi = { family: 7, type: 1, index: 42, flags: 0x1003, change: 0xffffffff };
  assert.equal(decodeIfInfoMsg(encodeIfInfoMsg(ifi)), ifi);
  const rt = { family: 10, dstLen: 64, srcLen: 0, tos: 0, table: 254, protocol: 3, scope: 0, type: 1, flags: 4 };
  assert.equal(decodeRtMsg(encodeRtMsg(rt)), rt);
});

test('ACK: NLMSG_ERROR with error 0', () => {
  const payload = hex(`
    00000000                              // error 0 = ACK
    14000000 1000 0506 01000000 00000000  // the request's header (capped)
  `);
  assert.equal(parseErrorPayload(payload, NLM_F.CAPPED), { errno: 0 });
});

test('error with extended ACK: capped request, message and offset attributes', () => {
  // What the kernel sends for `ip link add d0 type dummy` without the dummy module.
  const payload = hex(`
    a1ffffff                              // error -95 (EOPNOTSUPP)
    28000000 1000 0506 01000000 00000000  // echoed request header (NLM_F_CAPPED: body omitted)
    1800 0100 556e6b6e6f776e2064657669636520747970 6500  // NLMSGERR_ATTR_MSG "Unknown device type\\0" (len 24, no padding)
    0800 0200 24000000                    // NLMSGERR_ATTR_OFFS 36
  `);
  const parsed = parseErrorPayload(payload, NLM_F.CAPPED | NLM_F.ACK_TLVS);
  assert.equal(parsed, { errno: 95, extack: { message: 'Unknown device type', offset: 36 } });
});

test('error with extended ACK after an uncapped (full) request echo', () => {
  const request = encodeMessage(16, 0x605, 1, 0, Buffer.alloc(20));
  const tlv = new AttrWriter().string(1, 'Attribute failed policy validation').toBuffer();
  const errno = Buffer.alloc(4);
  errno.writeInt32LE(-22);
  const parsed = parseErrorPayload(Buffer.concat([errno, request, tlv]), NLM_F.ACK_TLVS);
  assert.equal(parsed, { errno: 22, extack: { message: 'Attribute failed policy validation' } });
});

test('NLMSG_DONE: plain, and carrying a dump error with extack', () => {
  assert.equal(parseDonePayload(hex('00000000'), NLM_F.MULTI), { errno: 0 });
  const tlv = new AttrWriter().string(1, 'ipv4: FIB table does not exist').toBuffer();
  assert.equal(parseDonePayload(Buffer.concat([hex('feffffff'), tlv]), NLM_F.MULTI | NLM_F.ACK_TLVS), {
    errno: 2,
    extack: { message: 'ipv4: FIB table does not exist' },
  });
});

test('NetlinkError: code, message with op and extack; isNotFound/isExists follow causes', () => {
  const e = new NetlinkError({ errno: 95, op: 'link add d0 (dummy)', text: 'Operation not supported', extack: 'Unknown device type' });
  assert.is(e.code, 'EOPNOTSUPP');
  assert.is(e.message, 'link add d0 (dummy): EOPNOTSUPP (Operation not supported): Unknown device type');
  const exists = new NetlinkError({ errno: 17, op: 'link add v0 (veth)' });
  assert.is(exists.code, 'EEXIST');
  assert.ok(isExists(exists));
  assert.ok(isExists(new Error('wrapped', { cause: exists })));
  assert.not.ok(isNotFound(exists));
  const missing = new LinkNotFoundError('eth9');
  assert.ok(missing instanceof NetlinkError);
  assert.is(missing.code, 'ENODEV');
  assert.ok(isNotFound(missing));
  assert.ok(isNotFound(new NetlinkError({ errno: 3, op: 'route del' })), 'ESRCH: no such route');
  assert.ok(isNotFound(new NetlinkError({ errno: 99, op: 'addr del' })), 'EADDRNOTAVAIL: no such address');
  assert.not.ok(isNotFound(new Error('plain')));
});

test.run();
