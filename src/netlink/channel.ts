/**
 * The one request/reply loop: checks seq and port id, turns NLMSG_ERROR into NetlinkError (with
 * the extended-ACK text), follows multi-part replies to NLMSG_DONE, and re-runs a dump the kernel
 * flagged NLM_F_DUMP_INTR. It runs over any datagram carrier, so tests can play the kernel.
 */
import { constants } from 'node:os';
import { NLM_F, NLMSG } from './codec/consts.js';
import { encodeMessage, parseDonePayload, parseErrorPayload, splitMessages, type ErrorPayload, type NetlinkMessage } from './codec/message.js';
import { NetlinkError } from './errors.js';
import type { NetlinkRequest, NetlinkTransport } from './transport.js';

/** A connected netlink datagram endpoint (a socket, or a fake in tests). */
export interface Datagrams {
  /** Our port id: replies carry it as nlmsg_pid. */
  readonly portId: number;
  send(datagram: Buffer): void;
  /** Block until the next datagram. */
  receive(): Buffer;
  close(): void;
  /** Text for an errno (strerror); optional. */
  describe?(errno: number): string;
}

/** A dump interrupted this many times in a row is reported instead of retried again. */
export const DUMP_ATTEMPTS = 5;
const { EINTR, ENOBUFS } = constants.errno;

export class NetlinkChannel implements NetlinkTransport {
  private seq: number;
  private closed = false;

  constructor(
    private readonly io: Datagrams,
    firstSeq = Math.floor(Date.now() / 1000),
  ) {
    this.seq = firstSeq >>> 0;
  }

  request(req: NetlinkRequest): NetlinkMessage[] {
    return this.exchange(req, NLM_F.REQUEST | NLM_F.ACK | (req.flags ?? 0)).messages;
  }

  dump(req: NetlinkRequest): NetlinkMessage[] {
    for (let attempt = 1; ; attempt++) {
      const { messages, interrupted } = this.exchange(req, NLM_F.REQUEST | NLM_F.DUMP | (req.flags ?? 0));
      if (!interrupted) return messages;
      if (attempt >= DUMP_ATTEMPTS) {
        throw new NetlinkError({ errno: EINTR, op: req.op, text: `dump interrupted ${attempt} times by concurrent changes` });
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.io.close();
  }

  private exchange(req: NetlinkRequest, flags: number): { messages: NetlinkMessage[]; interrupted: boolean } {
    if (this.closed) throw new Error(`${req.op}: netlink socket is closed`);
    const seq = (this.seq = (this.seq + 1) >>> 0);
    this.io.send(encodeMessage(req.type, flags, seq, 0, req.body));
    const messages: NetlinkMessage[] = [];
    let interrupted = false;
    for (;;) {
      for (const m of splitMessages(this.io.receive())) {
        if (m.seq !== seq || m.pid !== this.io.portId) continue; // a stale reply to an earlier request
        if (m.flags & NLM_F.DUMP_INTR) interrupted = true;
        if (m.type === NLMSG.ERROR || m.type === NLMSG.DONE) {
          const status = m.type === NLMSG.ERROR ? parseErrorPayload(m.payload, m.flags) : parseDonePayload(m.payload, m.flags);
          if (status.errno !== 0) throw this.failure(req, status);
          return { messages, interrupted };
        }
        if (m.type === NLMSG.NOOP) continue;
        if (m.type === NLMSG.OVERRUN) throw new NetlinkError({ errno: ENOBUFS, op: req.op, text: 'netlink overrun' });
        messages.push(m);
      }
    }
  }

  private failure(req: NetlinkRequest, status: ErrorPayload): NetlinkError {
    return new NetlinkError({ errno: status.errno, op: req.op, text: this.io.describe?.(status.errno), extack: status.extack?.message });
  }
}
