/**
 * The packet scheduler clock as iproute2's tc_core_init and Go's netlink read it from
 * /proc/net/psched ("t2us us2t clock_res hz" in hex): TBF buffers and rate tables are in ticks,
 * tick_in_usec ticks per microsecond (15.625 on every current kernel: 64 ns ticks).
 */
import { readFileSync } from 'node:fs';

export const TIME_UNITS_PER_SEC = 1_000_000;

export interface PschedClock {
  tickInUsec: number;
  clockFactor: number;
}

export class PschedParseError extends Error {
  override name = 'PschedParseError';
}

export function parsePsched(text: string): PschedClock {
  const parts = text.trim().split(/\s+/).slice(0, 3).map((p) => Number.parseInt(p, 16));
  if (parts.length < 3 || parts.some((n) => !Number.isFinite(n) || n <= 0)) throw new PschedParseError(`unexpected /proc/net/psched contents ${JSON.stringify(text.trim())}`);
  let [t2us, us2t, clockRes] = parts as [number, number, number];
  // Compatibility: a nanosecond clock advertises a tick multiplier of 1000 that really is 1.
  if (clockRes === 1_000_000_000) t2us = us2t;
  const clockFactor = clockRes / TIME_UNITS_PER_SEC;
  return { clockFactor, tickInUsec: (t2us / us2t) * clockFactor };
}

/** C's conversion of a non-negative double to an unsigned 32-bit integer (truncation). */
export const toU32 = (x: number): number => Math.trunc(x) >>> 0;

/** tc_core_time2tick: microseconds to ticks. */
export const time2tick = (clock: PschedClock, usec: number): number => toU32(toU32(usec) * clock.tickInUsec);

/** tc_calc_xmittime: ticks to send `size` bytes at `rate` bytes/s. */
export const xmittime = (clock: PschedClock, rate: number, size: number): number => time2tick(clock, TIME_UNITS_PER_SEC * (size / rate));

/** The running kernel's clock (the file is per boot, not per namespace). */
export function readPschedClock(): PschedClock {
  return parsePsched(readFileSync('/proc/net/psched', 'utf8'));
}
