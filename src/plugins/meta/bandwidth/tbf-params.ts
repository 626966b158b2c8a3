/**
 * The tbf parameters exactly as the reference computes them (ifb_creator.go createTBF): rate and
 * burst in bytes (bits / 8, truncated), buffer = the burst's transmit time in scheduler ticks,
 * limit = what the rate sends in 25 ms plus the burst. Values that would not fit the kernel's
 * 32-bit fields are refused here (the reference would wrap them silently).
 */
import { TIME_UNITS_PER_SEC, time2tick, type PschedClock, type TbfParams } from '../../../netlink/tc/index.js';
import { invalidConfig } from '../../../spec/errors.js';

export const LATENCY_MS = 25;
const U32_MAX = 0xffffffff;

export function tbfParams(rateBits: number, burstBits: number, clock: PschedClock, what: 'ingress' | 'egress'): TbfParams {
  const rate = Math.floor(rateBits / 8);
  const burst = Math.floor(burstBits / 8);
  if (rate < 1) throw invalidConfig(`invalid ${what}Rate ${rateBits}: the rate must be at least 8 bits/s`);
  const bufferUsec = (burst * TIME_UNITS_PER_SEC) / rate;
  if (bufferUsec > U32_MAX || bufferUsec * clock.tickInUsec > U32_MAX) {
    throw invalidConfig(`${what}Burst ${burstBits} is too large for ${what}Rate ${rateBits}: sending it must take less than ${Math.floor(U32_MAX / clock.tickInUsec / TIME_UNITS_PER_SEC)} s`);
  }
  const latencyUsec = TIME_UNITS_PER_SEC * (LATENCY_MS / 1000);
  const limit = Math.trunc((rate * latencyUsec) / TIME_UNITS_PER_SEC) + burst;
  if (limit > U32_MAX) throw invalidConfig(`${what}Rate ${rateBits} with ${what}Burst ${burstBits} needs a queue limit above 4GB`);
  return { rate, burst, buffer: time2tick(clock, bufferUsec), limit };
}
