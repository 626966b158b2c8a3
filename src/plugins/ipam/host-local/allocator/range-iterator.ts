/**
 * Round-robin candidates over a range set (the reference's RangeIter): start just after the last
 * reserved address when it lies in the set (else at the first range's start), walk each range
 * from rangeStart to rangeEnd, wrap to the next range and around, and stop after one full turn.
 * The gateway, network and IPv4 broadcast addresses are skipped.
 */
import type { IpAddress } from '../../../../lib/ip/index.js';
import { isReservedAddress, rangeContains } from '../config/range.js';
import type { IpRange, RangeSet } from '../config/types.js';

export interface Candidate {
  ip: IpAddress;
  range: IpRange;
}

export function* candidates(set: RangeSet, lastReserved?: IpAddress): Generator<Candidate> {
  let idx = 0;
  let cur: IpAddress | undefined;
  if (lastReserved) {
    const found = set.findIndex((r) => rangeContains(r, lastReserved));
    if (found >= 0) {
      idx = found;
      cur = lastReserved;
    }
  }
  const advance = (): IpAddress => {
    const r = set[idx]!;
    if (cur === undefined) return r.rangeStart;
    if (cur.equals(r.rangeEnd)) {
      idx = (idx + 1) % set.length;
      return set[idx]!.rangeStart;
    }
    return cur.next()!; // below rangeEnd, so never past the family's last address
  };
  cur = advance();
  const first = cur;
  do {
    const range = set[idx]!;
    if (!isReservedAddress(range, cur)) yield { ip: cur, range };
    cur = advance();
  } while (!cur.equals(first));
}
