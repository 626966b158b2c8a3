/**
 * Whether a range set still has a free address, without walking it (an IPv6 /64 is 2^64
 * addresses): allocatable addresses minus reservations that fall on allocatable addresses.
 */
import type { IpAddress } from '../../../../lib/ip/index.js';
import { isReservedAddress } from '../config/range.js';
import { rangeFor } from '../config/range-set.js';
import type { IpRange, RangeSet } from '../config/types.js';

function allocatableCount(r: IpRange): bigint {
  const size = r.rangeEnd.value - r.rangeStart.value + 1n;
  const never = [r.gateway, r.subnet.network(), r.subnet.broadcast()];
  const skipped = new Set(
    never.filter((ip) => ip.family === r.subnet.family && ip.compare(r.rangeStart) >= 0 && ip.compare(r.rangeEnd) <= 0 && isReservedAddress(r, ip)).map(String),
  );
  return size - BigInt(skipped.size);
}

export function freeAddressCount(set: RangeSet, reserved: readonly IpAddress[]): bigint {
  const capacity = set.reduce((sum, r) => sum + allocatableCount(r), 0n);
  const taken = new Set<string>();
  for (const ip of reserved) {
    const r = rangeFor(set, ip);
    if (r && !isReservedAddress(r, ip)) taken.add(ip.toString());
  }
  return capacity - BigInt(taken.size);
}

export function hasFreeAddress(set: RangeSet, reserved: readonly IpAddress[]): boolean {
  return freeAddressCount(set, reserved) > 0n;
}
