/** A set of same-family ranges: validation (the reference's RangeSet.Canonicalize) and lookups. */
import { invalidField } from '../../../../spec/errors.js';
import type { IpAddress } from '../../../../lib/ip/index.js';
import { canonicalizeRange, formatRange, rangeContains, rangesOverlap } from './range.js';
import type { IpRange, RangeSet } from './types.js';

/**
 * Set `setIndex` (its place among all sets, as the reference numbers them) at JSON path `path`;
 * `rangePath` names range i in details (the legacy top-level range is plain "ipam").
 */
export function canonicalizeRangeSet(raw: unknown, path: string, setIndex = 0, rangePath = (i: number) => `${path}[${i}]`): RangeSet {
  const refused = (text: string) => invalidField(`invalid range set ${setIndex}: ${text}`, path);
  if (!Array.isArray(raw)) throw refused('a range set must be an array of ranges');
  if (raw.length === 0) throw refused('empty range set');
  const set = raw.map((r, i) => canonicalizeRange(r, { setIndex, path: rangePath(i) }));
  if (set.some((r) => r.subnet.family !== set[0]!.subnet.family)) throw refused('mixed address families');
  for (let i = 0; i < set.length; i++) {
    for (let j = i + 1; j < set.length; j++) {
      if (rangesOverlap(set[i]!, set[j]!)) throw refused(`subnets ${formatRange(set[i]!)} and ${formatRange(set[j]!)} overlap`);
    }
  }
  return set;
}

export function rangeFor(set: RangeSet, ip: IpAddress): IpRange | undefined {
  return set.find((r) => rangeContains(r, ip));
}

export function rangeSetContains(set: RangeSet, ip: IpAddress): boolean {
  return rangeFor(set, ip) !== undefined;
}

export function rangeSetsOverlap(a: RangeSet, b: RangeSet): boolean {
  return a.some((r) => b.some((r1) => rangesOverlap(r, r1)));
}

export function rangeSetFamily(set: RangeSet): 4 | 6 {
  return set[0]!.subnet.family;
}

/** "start-end,start-end", the reference's RangeSet.String(). */
export function formatRangeSet(set: RangeSet): string {
  return set.map(formatRange).join(',');
}
