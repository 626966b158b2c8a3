/**
 * `vlanTrunk: [{id} | {minID, maxID}]` -> sorted unique VLAN ids, validated with the reference's
 * messages (ids 1..4094; both range ends or neither).
 */
import { invalidConfig } from '../../../spec/errors.js';
import { goField } from '../../../lib/go-fields.js';

export interface VlanTrunkEntry {
  id?: number;
  minID?: number;
  maxID?: number;
}

const MAX_VID = 4094;

function readId(entry: Record<string, unknown>, key: 'id' | 'minID' | 'maxID', index: number): number | undefined {
  const v = goField(entry, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidConfig(`failed to load netconf: vlanTrunk[${index}].${key} must be an integer`);
  return v;
}

function inRange(v: number): boolean {
  return v > 0 && v <= MAX_VID;
}

/** Parse and expand; the result is sorted and has no duplicates. */
export function collectVlanTrunk(raw: unknown): number[] {
  if (!Array.isArray(raw)) throw invalidConfig('failed to load netconf: vlanTrunk must be an array');
  const vids = new Set<number>();
  raw.forEach((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalidConfig(`failed to load netconf: vlanTrunk[${i}] must be an object`);
    const entry = item as Record<string, unknown>;
    const minID = readId(entry, 'minID', i);
    const maxID = readId(entry, 'maxID', i);
    const id = readId(entry, 'id', i);
    if (minID !== undefined && maxID !== undefined) {
      if (!inRange(minID)) throw invalidConfig('incorrect trunk minID parameter');
      if (!inRange(maxID)) throw invalidConfig('incorrect trunk maxID parameter');
      if (maxID < minID) throw invalidConfig('minID is greater than maxID in trunk parameter');
      for (let v = minID; v <= maxID; v++) vids.add(v);
    } else if (maxID !== undefined) {
      throw invalidConfig('minID and maxID should be configured simultaneously, minID is missing');
    } else if (minID !== undefined) {
      throw invalidConfig('minID and maxID should be configured simultaneously, maxID is missing');
    }
    if (id !== undefined) {
      if (!inRange(id)) throw invalidConfig('incorrect trunk id parameter');
      vids.add(id);
    }
  });
  return [...vids].sort((a, b) => a - b);
}

/** Contiguous runs of sorted ids, for ranged netlink requests: [1,2,3,7] -> [[1,3],[7,7]]. */
export function vlanRuns(vids: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const v of vids) {
    const last = runs.at(-1);
    if (last && v === last[1] + 1) last[1] = v;
    else runs.push([v, v]);
  }
  return runs;
}
