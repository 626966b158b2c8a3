/**
 * One address from one range set for one attachment (the reference's IPAllocator.Get). The caller
 * holds the store lock. Failures are AllocationError with the reference's messages.
 */
import type { IpAddress } from '../../../../lib/ip/index.js';
import { isReservedAddress } from '../config/range.js';
import { formatRangeSet, rangeFor, rangeSetContains } from '../config/range-set.js';
import type { IpRange, RangeSet } from '../config/types.js';
import { addressesHeldBy } from '../reservations.js';
import type { AttachmentKey, Store } from '../store/store.js';
import { candidates } from './range-iterator.js';

export class AllocationError extends Error {
  override readonly name = 'AllocationError';
}

export interface Allocation {
  ip: IpAddress;
  range: IpRange;
}

export interface AllocationRequest {
  key: AttachmentKey;
  set: RangeSet;
  /** The set's index in the config: names its last_reserved_ip file. */
  rangeId: string;
  requested?: IpAddress;
}

function allocateRequested(store: Store, req: AllocationRequest, ip: IpAddress): Allocation {
  const range = rangeFor(req.set, ip);
  if (!range) throw new AllocationError(`${ip} not in range set ${formatRangeSet(req.set)}`);
  if (ip.equals(range.gateway)) throw new AllocationError(`requested ip ${ip} is subnet's gateway`);
  if (isReservedAddress(range, ip)) throw new AllocationError(`requested ip ${ip} is the network or broadcast address of ${range.subnet}`);
  if (!store.reserve(req.key, ip, req.rangeId)) {
    throw new AllocationError(`requested IP address ${ip} is not available in range set ${formatRangeSet(req.set)}`);
  }
  return { ip, range };
}

function allocateNext(store: Store, req: AllocationRequest): Allocation {
  // The spec forbids a second ADD for the same attachment without a DEL in between.
  const held = addressesHeldBy(store, req.key).find((ip) => rangeSetContains(req.set, ip));
  if (held) throw new AllocationError(`${held} has been allocated to ${req.key.containerId}, duplicate allocation is not allowed`);
  for (const c of candidates(req.set, store.lastReservedIp(req.rangeId))) {
    if (store.reserve(req.key, c.ip, req.rangeId)) return c;
  }
  throw new AllocationError(`no IP addresses available in range set: ${formatRangeSet(req.set)}`);
}

export function allocate(store: Store, req: AllocationRequest): Allocation {
  return req.requested ? allocateRequested(store, req, req.requested) : allocateNext(store, req);
}
