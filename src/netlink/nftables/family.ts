/** Table families as nft names them, and their NFPROTO_* numbers. */
import { NFPROTO } from './consts.js';

export type Family = 'ip' | 'ip6' | 'inet' | 'bridge' | 'arp' | 'netdev';

export const FAMILIES: readonly Family[] = ['ip', 'ip6', 'inet', 'bridge', 'arp', 'netdev'];

export function familyNumber(f: Family): number {
  const n = NFPROTO[f];
  if (n === undefined) throw new TypeError(`unknown nftables family "${String(f)}"`);
  return n;
}

export function familyName(n: number): Family | undefined {
  return FAMILIES.find((f) => NFPROTO[f] === n);
}

/** A table reference: what chains, rules and sets point at. */
export interface TableRef {
  family: Family;
  name: string;
}
