/**
 * Fixed headers that start rtnetlink message bodies (<linux/rtnetlink.h>, <linux/if_addr.h>); a
 * fib rule header has rtmsg's layout.
 * Each has an encoder that returns exactly the struct's bytes and a decoder that reads it from the
 * start of a payload; the attributes follow at `*_LEN`.
 */
import { NetlinkDecodeError } from '../errors.js';

function need(buf: Buffer, n: number, what: string): void {
  if (buf.length < n) throw new NetlinkDecodeError(`${what}: ${buf.length} bytes, expected at least ${n}`);
}

/** struct ifinfomsg { u8 family; u8 pad; u16 type; i32 index; u32 flags; u32 change; } */
export interface IfInfoMsg {
  family: number;
  type: number;
  index: number;
  flags: number;
  change: number;
}
export const IFINFOMSG_LEN = 16;

export function encodeIfInfoMsg(m: Partial<IfInfoMsg> = {}): Buffer {
  const b = Buffer.alloc(IFINFOMSG_LEN);
  b.writeUInt8(m.family ?? 0, 0);
  b.writeUInt16LE(m.type ?? 0, 2);
  b.writeInt32LE(m.index ?? 0, 4);
  b.writeUInt32LE((m.flags ?? 0) >>> 0, 8);
  b.writeUInt32LE((m.change ?? 0) >>> 0, 12);
  return b;
}

export function decodeIfInfoMsg(buf: Buffer): IfInfoMsg {
  need(buf, IFINFOMSG_LEN, 'ifinfomsg');
  return {
    family: buf.readUInt8(0),
    type: buf.readUInt16LE(2),
    index: buf.readInt32LE(4),
    flags: buf.readUInt32LE(8),
    change: buf.readUInt32LE(12),
  };
}

/** struct ifaddrmsg { u8 family; u8 prefixlen; u8 flags; u8 scope; u32 index; } */
export interface IfAddrMsg {
  family: number;
  prefixLen: number;
  flags: number;
  scope: number;
  index: number;
}
export const IFADDRMSG_LEN = 8;

export function encodeIfAddrMsg(m: Partial<IfAddrMsg> = {}): Buffer {
  const b = Buffer.alloc(IFADDRMSG_LEN);
  b.writeUInt8(m.family ?? 0, 0);
  b.writeUInt8(m.prefixLen ?? 0, 1);
  b.writeUInt8(m.flags ?? 0, 2);
  b.writeUInt8(m.scope ?? 0, 3);
  b.writeUInt32LE(m.index ?? 0, 4);
  return b;
}

export function decodeIfAddrMsg(buf: Buffer): IfAddrMsg {
  need(buf, IFADDRMSG_LEN, 'ifaddrmsg');
  return {
    family: buf.readUInt8(0),
    prefixLen: buf.readUInt8(1),
    flags: buf.readUInt8(2),
    scope: buf.readUInt8(3),
    index: buf.readUInt32LE(4),
  };
}

/** struct rtmsg { u8 family, dst_len, src_len, tos, table, protocol, scope, type; u32 flags; } */
export interface RtMsg {
  family: number;
  dstLen: number;
  srcLen: number;
  tos: number;
  table: number;
  protocol: number;
  scope: number;
  type: number;
  flags: number;
}
export const RTMSG_LEN = 12;

export function encodeRtMsg(m: Partial<RtMsg> = {}): Buffer {
  const b = Buffer.alloc(RTMSG_LEN);
  b.writeUInt8(m.family ?? 0, 0);
  b.writeUInt8(m.dstLen ?? 0, 1);
  b.writeUInt8(m.srcLen ?? 0, 2);
  b.writeUInt8(m.tos ?? 0, 3);
  b.writeUInt8(m.table ?? 0, 4);
  b.writeUInt8(m.protocol ?? 0, 5);
  b.writeUInt8(m.scope ?? 0, 6);
  b.writeUInt8(m.type ?? 0, 7);
  b.writeUInt32LE((m.flags ?? 0) >>> 0, 8);
  return b;
}

export function decodeRtMsg(buf: Buffer): RtMsg {
  need(buf, RTMSG_LEN, 'rtmsg');
  return {
    family: buf.readUInt8(0),
    dstLen: buf.readUInt8(1),
    srcLen: buf.readUInt8(2),
    tos: buf.readUInt8(3),
    table: buf.readUInt8(4),
    protocol: buf.readUInt8(5),
    scope: buf.readUInt8(6),
    type: buf.readUInt8(7),
    flags: buf.readUInt32LE(8),
  };
}

/** struct tcmsg { u8 family; u8 pad1; u16 pad2; i32 ifindex; u32 handle; u32 parent; u32 info; } */
export interface TcMsg {
  index: number;
  handle: number;
  parent: number;
  /** Filters: (priority << 16) | protocol in network byte order; qdisc dumps: the refcount. */
  info: number;
}
export const TCMSG_LEN = 20;

export function encodeTcMsg(m: Partial<TcMsg> = {}): Buffer {
  const b = Buffer.alloc(TCMSG_LEN);
  b.writeInt32LE(m.index ?? 0, 4);
  b.writeUInt32LE((m.handle ?? 0) >>> 0, 8);
  b.writeUInt32LE((m.parent ?? 0) >>> 0, 12);
  b.writeUInt32LE((m.info ?? 0) >>> 0, 16);
  return b;
}

export function decodeTcMsg(buf: Buffer): TcMsg {
  need(buf, TCMSG_LEN, 'tcmsg');
  return { index: buf.readInt32LE(4), handle: buf.readUInt32LE(8), parent: buf.readUInt32LE(12), info: buf.readUInt32LE(16) };
}
