/**
 * nf_tables message bodies: struct nfgenmsg { u8 family; u8 version; be16 res_id; } followed by
 * attributes. A message knows the operation it performs (`op`, e.g. "add rule inet t c") so a
 * failure in a batch can name it.
 */
import { NetlinkDecodeError } from '../errors.js';
import { Attrs } from '../codec/attr.js';
import { NFNETLINK_V0, nftMsgType } from './consts.js';

export const NFGENMSG_LEN = 4;

export function nfgenmsg(family: number, resId = 0): Buffer {
  const b = Buffer.alloc(NFGENMSG_LEN);
  b.writeUInt8(family, 0);
  b.writeUInt8(NFNETLINK_V0, 1);
  b.writeUInt16BE(resId, 2);
  return b;
}

/** One message of a transaction (without the nlmsghdr, which the batch adds). */
export interface NftMessage {
  /** Human description used in errors: "add table inet t". */
  op: string;
  /** NFT_MSG_* (the subsystem byte is added when framing). */
  msg: number;
  /** NLM_F_CREATE / EXCL / APPEND / REPLACE; REQUEST and ACK are added when framing. */
  flags: number;
  family: number;
  /** Attributes after the nfgenmsg header. */
  attrs: Buffer;
}

export function messageBody(m: Pick<NftMessage, 'family' | 'attrs'>): Buffer {
  return Buffer.concat([nfgenmsg(m.family), m.attrs]);
}

export function messageType(m: Pick<NftMessage, 'msg'>): number {
  return nftMsgType(m.msg);
}

/** Split a received nf_tables payload into its family and attributes. */
export function parseNftPayload(payload: Buffer): { family: number; attrs: Attrs } {
  if (payload.length < NFGENMSG_LEN) throw new NetlinkDecodeError(`nf_tables message of ${payload.length} bytes has no nfgenmsg header`);
  return { family: payload.readUInt8(0), attrs: Attrs.parse(payload.subarray(NFGENMSG_LEN)) };
}

/** Big-endian readers for nf_tables attributes (AttrWriter has the writers). */
export function be32(a: Attrs, type: number): number | undefined {
  const b = a.get(type);
  if (!b) return undefined;
  if (b.length < 4) throw new NetlinkDecodeError(`attribute ${type}: ${b.length} bytes, expected 4`);
  return b.readUInt32BE(0);
}
export function be32signed(a: Attrs, type: number): number | undefined {
  const v = be32(a, type);
  return v === undefined ? undefined : v | 0;
}
export function be64(a: Attrs, type: number): number | undefined {
  const b = a.get(type);
  if (!b) return undefined;
  if (b.length < 8) throw new NetlinkDecodeError(`attribute ${type}: ${b.length} bytes, expected 8`);
  return Number(b.readBigUInt64BE(0));
}
export function be64Bytes(v: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(v));
  return b;
}
export function requireString(a: Attrs, type: number, what: string): string {
  const s = a.string(type);
  if (s === undefined) throw new NetlinkDecodeError(`${what}: attribute ${type} missing`);
  return s;
}
