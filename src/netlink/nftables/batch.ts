/**
 * One nf_tables transaction on the wire: BATCH_BEGIN, the messages (each with NLM_F_ACK), BATCH_END,
 * all in a single datagram so the kernel applies everything or nothing. The kernel handles the
 * whole batch inside sendto(), so every reply is queued when it returns: one NLMSG_ERROR per
 * message (errno 0 = ACK), matched back to its message by sequence number. A reply to BATCH_BEGIN
 * itself means the batch was refused as a whole (bad header, commit failure, stale genid); after
 * it a NOOP "barrier" request drains whatever else was queued, so nothing is left for the next call.
 */
import { constants } from 'node:os';
import { AttrWriter } from '../codec/attr.js';
import { NLM_F, NLMSG } from '../codec/consts.js';
import { encodeMessage, parseErrorPayload, splitMessages } from '../codec/message.js';
import type { Datagrams } from '../channel.js';
import { errnoCode, NetlinkError } from '../errors.js';
import { NFNL_BATCH_GENID, NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END, NFNL_SUBSYS_NFTABLES, NFPROTO } from './consts.js';
import { NftTransactionError, type NftFailure } from './errors.js';
import { messageBody, messageType, nfgenmsg, type NftMessage } from './message.js';

export interface BatchOptions {
  /** Fail with ERESTART unless the ruleset generation is still this one (read-modify-write). */
  genId?: number;
}

export interface EncodedBatch {
  datagram: Buffer;
  beginSeq: number;
  /** Sequence number of each message, in order. */
  seqs: number[];
}

function batchControl(type: number, seq: number, genId?: number): Buffer {
  const attrs = genId === undefined ? Buffer.alloc(0) : new AttrWriter().u32be(NFNL_BATCH_GENID, genId).toBuffer();
  // res_id carries the subsystem; begin/end ask for no ACK (the kernel never sends one for END).
  return encodeMessage(type, NLM_F.REQUEST, seq, 0, Buffer.concat([nfgenmsg(NFPROTO.unspec, NFNL_SUBSYS_NFTABLES), attrs]));
}

/** Frame messages with consecutive sequence numbers starting at `firstSeq` (BATCH_BEGIN's). */
export function encodeBatch(messages: readonly NftMessage[], firstSeq: number, opts: BatchOptions = {}): EncodedBatch {
  const beginSeq = firstSeq >>> 0;
  const seqs = messages.map((_, i) => (beginSeq + 1 + i) >>> 0);
  const parts = [batchControl(NFNL_MSG_BATCH_BEGIN, beginSeq, opts.genId)];
  messages.forEach((m, i) => parts.push(encodeMessage(messageType(m), NLM_F.REQUEST | NLM_F.ACK | m.flags, seqs[i]!, 0, messageBody(m))));
  parts.push(batchControl(NFNL_MSG_BATCH_END, (beginSeq + 1 + messages.length) >>> 0));
  return { datagram: Buffer.concat(parts), beginSeq, seqs };
}

function receive(io: Datagrams, n: number): Buffer {
  try {
    return io.receive();
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOBUFS') throw err;
    throw new NetlinkError({
      errno: constants.errno.ENOBUFS,
      op: `nftables transaction of ${n} messages`,
      text: 'replies were lost (socket receive buffer full); the outcome is unknown',
      cause: err,
    });
  }
}

/** Sequence numbers a batch of n messages uses (begin, messages, end). */
export const batchSeqCount = (n: number): number => n + 2;

/**
 * Send the batch and wait for every message's ACK. Throws NftTransactionError naming the failed
 * message(s), or a NetlinkError for a batch refused as a whole.
 */
export function runBatch(io: Datagrams, messages: readonly NftMessage[], firstSeq: number, opts: BatchOptions = {}): void {
  if (messages.length === 0) return;
  const batch = encodeBatch(messages, firstSeq, opts);
  const index = new Map(batch.seqs.map((s, i) => [s, i]));
  const pending = new Set(batch.seqs);
  const failures: NftFailure[] = [];
  let refused: NetlinkError | undefined;
  const barrierSeq = (firstSeq + batchSeqCount(messages.length)) >>> 0;
  let waitBarrier = false;

  io.send(batch.datagram);
  for (;;) {
    for (const m of splitMessages(receive(io, messages.length))) {
      if (m.pid !== io.portId || m.type !== NLMSG.ERROR) continue;
      const status = parseErrorPayload(m.payload, m.flags);
      if (m.seq === barrierSeq && waitBarrier) {
        waitBarrier = false;
        pending.clear();
        continue;
      }
      const i = index.get(m.seq);
      if (i !== undefined && pending.delete(m.seq)) {
        if (status.errno !== 0) {
          const f: NftFailure = { index: i, op: messages[i]!.op, errno: status.errno, code: errnoCode(status.errno) };
          if (status.extack?.message) f.extack = status.extack.message;
          failures.push(f);
        }
      } else if (m.seq === batch.beginSeq && status.errno !== 0 && !refused) {
        refused = new NetlinkError({ errno: status.errno, op: `nftables transaction of ${messages.length} messages`, text: io.describe?.(status.errno), extack: status.extack?.message });
        // Per-message ACKs may or may not follow: a barrier tells when the queue is drained.
        io.send(encodeMessage(NLMSG.NOOP, NLM_F.REQUEST | NLM_F.ACK, barrierSeq, 0, Buffer.alloc(0)));
        waitBarrier = true;
      }
    }
    if (pending.size === 0 && !waitBarrier) break;
  }
  failures.sort((a, b) => a.index - b.index);
  if (failures.length) throw new NftTransactionError(failures, io.describe?.bind(io));
  if (refused) throw refused;
}
