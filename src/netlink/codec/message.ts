/**
 * Netlink message framing: struct nlmsghdr (16 bytes: len u32, type u16, flags u16, seq u32,
 * pid u32), messages padded to 4 bytes, and the NLMSG_ERROR / NLMSG_DONE payloads including the
 * extended-ACK attributes.
 */
import { NetlinkDecodeError } from '../errors.js';
import { align4, Attrs } from './attr.js';
import { NLM_F, NLMSGERR_ATTR } from './consts.js';

export const NLMSG_HDRLEN = 16;

export interface NetlinkMessage {
  type: number;
  flags: number;
  seq: number;
  pid: number;
  payload: Buffer;
}

/** Frame one message: header + body (the body is padded to 4 bytes). */
export function encodeMessage(type: number, flags: number, seq: number, pid: number, body: Uint8Array): Buffer {
  const len = NLMSG_HDRLEN + body.length;
  const buf = Buffer.alloc(align4(len));
  buf.writeUInt32LE(len, 0);
  buf.writeUInt16LE(type, 4);
  buf.writeUInt16LE(flags, 6);
  buf.writeUInt32LE(seq >>> 0, 8);
  buf.writeUInt32LE(pid >>> 0, 12);
  buf.set(body, NLMSG_HDRLEN);
  return buf;
}

/** Split a datagram into messages. Payloads are copies, so the receive buffer can be reused. */
export function splitMessages(buf: Buffer): NetlinkMessage[] {
  const out: NetlinkMessage[] = [];
  let off = 0;
  while (off + NLMSG_HDRLEN <= buf.length) {
    const len = buf.readUInt32LE(off);
    if (len < NLMSG_HDRLEN || off + len > buf.length) {
      throw new NetlinkDecodeError(`netlink message at offset ${off} has bad length ${len} (datagram ${buf.length} bytes)`);
    }
    out.push({
      type: buf.readUInt16LE(off + 4),
      flags: buf.readUInt16LE(off + 6),
      seq: buf.readUInt32LE(off + 8),
      pid: buf.readUInt32LE(off + 12),
      payload: Buffer.from(buf.subarray(off + NLMSG_HDRLEN, off + len)),
    });
    off += align4(len);
  }
  return out;
}

export interface ExtAck {
  message?: string;
  /** Byte offset of the offending attribute inside the request. */
  offset?: number;
  missingType?: number;
}

export interface ErrorPayload {
  /** 0 for an ACK, else a positive errno. */
  errno: number;
  extack?: ExtAck;
}

function parseExtAck(buf: Buffer): ExtAck | undefined {
  if (buf.length === 0) return undefined;
  const a = Attrs.parse(buf);
  const ack: ExtAck = {};
  const message = a.string(NLMSGERR_ATTR.MSG);
  if (message) ack.message = message;
  const offset = a.u32(NLMSGERR_ATTR.OFFS);
  if (offset !== undefined) ack.offset = offset;
  const missingType = a.u32(NLMSGERR_ATTR.MISS_TYPE);
  if (missingType !== undefined) ack.missingType = missingType;
  return Object.keys(ack).length ? ack : undefined;
}

/**
 * NLMSG_ERROR payload: struct nlmsgerr { int error; struct nlmsghdr msg; } followed by the
 * request's body unless NLM_F_CAPPED, then extended-ACK attributes when NLM_F_ACK_TLVS.
 */
export function parseErrorPayload(payload: Buffer, flags: number): ErrorPayload {
  if (payload.length < 4) throw new NetlinkDecodeError(`NLMSG_ERROR payload of ${payload.length} bytes`);
  const errno = -payload.readInt32LE(0);
  if (!(flags & NLM_F.ACK_TLVS)) return { errno };
  let off = 4 + NLMSG_HDRLEN;
  if (!(flags & NLM_F.CAPPED) && payload.length >= off) off = 4 + align4(payload.readUInt32LE(4));
  const extack = off < payload.length ? parseExtAck(payload.subarray(off)) : undefined;
  return extack ? { errno, extack } : { errno };
}

/** NLMSG_DONE payload: an int (negative errno if the dump failed), then extended-ACK attributes. */
export function parseDonePayload(payload: Buffer, flags: number): ErrorPayload {
  if (payload.length < 4) return { errno: 0 };
  const errno = -payload.readInt32LE(0);
  const extack = flags & NLM_F.ACK_TLVS ? parseExtAck(payload.subarray(4)) : undefined;
  return extack ? { errno, extack } : { errno };
}
