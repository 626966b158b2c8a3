/**
 * tbf (token bucket filter) options: struct tc_tbf_qopt in TCA_TBF_PARMS, the burst in bytes
 * (TCA_TBF_BURST), the 64-bit rate when it does not fit 32 bits (TCA_TBF_RATE64) and the rate table
 * (TCA_TBF_RTAB), in the order and shape `tc qdisc add ... tbf rate R burst B limit L` sends them.
 */
import { AttrWriter, Attrs } from '../codec/attr.js';
import { NetlinkDecodeError } from '../errors.js';
import { toU32, xmittime, type PschedClock } from './clock.js';
import { TC_LINKLAYER_ETHERNET, TCA_TBF } from './consts.js';

export interface TbfParams {
  /** Bytes per second. */
  rate: number;
  /** Queue limit in bytes. */
  limit: number;
  /** Bucket size as the time to send it, in scheduler ticks. */
  buffer: number;
  /** Bucket size in bytes (TCA_TBF_BURST). */
  burst: number;
}

const U32_MAX = 0xffffffff;
/** struct tc_ratespec (12 bytes) x2 + limit, buffer, mtu. */
const QOPT_LEN = 36;
const RTAB_CELLS = 256;
/** tc's default when no mtu is given: cell_log 3 covers packets up to 2047 bytes. */
const DEFAULT_MTU = 2047;

/** tc_calc_rtable for ethernet without mpu/overhead: rtab[i] = ticks to send (i+1) << cell_log bytes. */
export function rateTable(clock: PschedClock, rate: number, mtu = DEFAULT_MTU): { cellLog: number; table: Buffer } {
  let cellLog = 0;
  while (mtu >> cellLog > 255) cellLog++;
  const table = Buffer.alloc(RTAB_CELLS * 4);
  for (let i = 0; i < RTAB_CELLS; i++) table.writeUInt32LE(xmittime(clock, rate, (i + 1) << cellLog), i * 4);
  return { cellLog, table };
}

export function writeTbfOptions(p: TbfParams, clock: PschedClock, w: AttrWriter): void {
  const rate32 = p.rate > U32_MAX ? U32_MAX : p.rate;
  const { cellLog, table } = rateTable(clock, rate32);
  const q = Buffer.alloc(QOPT_LEN);
  // rate: cell_log, linklayer, overhead 0, cell_align -1, mpu 0, rate
  q.writeUInt8(cellLog, 0);
  q.writeUInt8(TC_LINKLAYER_ETHERNET, 1);
  q.writeInt16LE(-1, 4);
  q.writeUInt32LE(rate32, 8);
  // peakrate (12..24) stays zero
  q.writeUInt32LE(toU32(p.limit), 24);
  q.writeUInt32LE(toU32(p.buffer), 28);
  w.bytes(TCA_TBF.PARMS, q);
  w.u32(TCA_TBF.BURST, p.burst);
  if (p.rate > U32_MAX) w.u64(TCA_TBF.RATE64, BigInt(p.rate));
  w.bytes(TCA_TBF.RTAB, table);
}

/** Rate, limit and buffer of a dumped tbf (TCA_OPTIONS contents); the burst is not dumped. */
export function parseTbfOptions(options: Attrs): Omit<TbfParams, 'burst'> {
  const q = options.get(TCA_TBF.PARMS);
  if (!q || q.length < QOPT_LEN) throw new NetlinkDecodeError(`tbf: TCA_TBF_PARMS of ${q?.length ?? 0} bytes, expected ${QOPT_LEN}`);
  const rate64 = options.u64(TCA_TBF.RATE64);
  return {
    rate: rate64 !== undefined ? Number(rate64) : q.readUInt32LE(8),
    limit: q.readUInt32LE(24),
    buffer: q.readUInt32LE(28),
  };
}
