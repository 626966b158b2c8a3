/**
 * What the request builders produce and what carries them: kept free of koffi so codecs and their
 * golden tests load without the FFI.
 */
import type { NetlinkMessage } from './codec/message.js';

/** One request body plus what it is for; the transport adds the header, seq and pid. */
export interface NetlinkRequest {
  /** Human description used in errors, e.g. `link add v0 (veth)`. */
  op: string;
  type: number;
  /** Extra nlmsg_flags (REQUEST, ACK and DUMP are added by the transport). */
  flags?: number;
  body: Buffer;
}

export interface NetlinkTransport {
  /** Send and wait for the ACK; returns any replies that came before it (e.g. a GET's answer). */
  request(req: NetlinkRequest): NetlinkMessage[];
  /** Send with NLM_F_DUMP and collect every message up to NLMSG_DONE. */
  dump(req: NetlinkRequest): NetlinkMessage[];
  close(): void;
}
