/**
 * nft's user data: a run of TLVs { u8 type; u8 len; value[len] } (libnftnl udata.c). Rule, table
 * and chain comments are all TLV type 0 (NFTNL_UDATA_{RULE,TABLE,CHAIN}_COMMENT) with a
 * NUL-terminated string, which is what makes `nft list` print `comment "..."`.
 */
import { NetlinkDecodeError } from '../errors.js';
import { NFTNL_UDATA_RULE_COMMENT } from './consts.js';

/** The kernel's NFT_USERDATA_MAXLEN for a whole user-data blob. */
export const USERDATA_MAXLEN = 256;

export interface UdataTlv {
  type: number;
  value: Buffer;
}

export function encodeUdata(tlvs: readonly UdataTlv[]): Buffer {
  const parts: Buffer[] = [];
  for (const t of tlvs) {
    if (t.value.length > 255) throw new RangeError(`user data item ${t.type} is ${t.value.length} bytes (max 255)`);
    parts.push(Buffer.from([t.type, t.value.length]), t.value);
  }
  const out = Buffer.concat(parts);
  if (out.length > USERDATA_MAXLEN) throw new RangeError(`user data is ${out.length} bytes (max ${USERDATA_MAXLEN})`);
  return out;
}

export function decodeUdata(buf: Buffer): UdataTlv[] {
  const out: UdataTlv[] = [];
  for (let off = 0; off < buf.length; ) {
    if (off + 2 > buf.length) throw new NetlinkDecodeError(`user data truncated at ${off}`);
    const type = buf[off]!;
    const len = buf[off + 1]!;
    if (off + 2 + len > buf.length) throw new NetlinkDecodeError(`user data item ${type} overruns (${len} bytes at ${off})`);
    out.push({ type, value: Buffer.from(buf.subarray(off + 2, off + 2 + len)) });
    off += 2 + len;
  }
  return out;
}

/** A rule, table or chain comment as nft stores it (the NUL is included in the length). */
export function encodeComment(comment: string): Buffer {
  const value = Buffer.concat([Buffer.from(comment, 'utf8'), Buffer.alloc(1)]);
  return encodeUdata([{ type: NFTNL_UDATA_RULE_COMMENT, value }]);
}

export function decodeComment(udata: Buffer): string | undefined {
  const item = decodeUdata(udata).find((t) => t.type === NFTNL_UDATA_RULE_COMMENT);
  if (!item) return undefined;
  const nul = item.value.indexOf(0);
  return item.value.toString('utf8', 0, nul < 0 ? item.value.length : nul);
}
