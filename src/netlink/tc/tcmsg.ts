/** struct tcmsg { u8 family; u8 pad1; u16 pad2; i32 ifindex; u32 handle; u32 parent; u32 info; } */
import { NetlinkDecodeError } from '../errors.js';

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
  if (buf.length < TCMSG_LEN) throw new NetlinkDecodeError(`tcmsg: ${buf.length} bytes, expected at least ${TCMSG_LEN}`);
  return { index: buf.readInt32LE(4), handle: buf.readUInt32LE(8), parent: buf.readUInt32LE(12), info: buf.readUInt32LE(16) };
}

/** "1:0", "ffff:0", "root": how tc prints handles and parents. */
export function formatHandle(h: number): string {
  if (h === 0xffffffff) return 'root';
  return `${(h >>> 16).toString(16)}:${(h & 0xffff).toString(16)}`;
}
