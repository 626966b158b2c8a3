/**
 * Who a rule belongs to. Every per-attachment rule carries the comment
 * "cni-firewall NETWORK CONTAINERID IFNAME", so DEL finds the rules of one attachment without its
 * prevResult and GC finds those of a network whose attachment is not in the valid list. Parts
 * that are long or contain characters outside [A-Za-z0-9_.-] are replaced by "sha256:" and a
 * prefix of their hash (the colon never occurs in a CNI name or container ID, so the forms cannot
 * collide), which keeps every comment under nft's 128-byte limit and free of blanks and quotes.
 */
import { sha256Hex } from '../../../lib/hash.js';

export interface Owner {
  network: string;
  containerId: string;
  ifName: string;
}

export const OWNER_TAG = 'cni-firewall';

const SAFE_RE = /^[A-Za-z0-9_.\-]+$/;

/** The part as is when it is short and plain, else "sha256:" + the first `hexLen` hex digits of its hash. */
function part(text: string, maxLen: number, hexLen: number): string {
  if (text.length <= maxLen && SAFE_RE.test(text)) return text;
  return `sha256:${sha256Hex(text).slice(0, hexLen)}`;
}

// 13 + 32 + 1 + 64 + 1 + 15 = 126 bytes at most.
const networkPart = (network: string): string => part(network, 32, 24);
const containerPart = (id: string): string => part(id, 64, 32);
const ifNamePart = (ifName: string): string => part(ifName, 15, 8);

/** "cni-firewall NETWORK " : every owner comment of the network starts with it. */
export function networkCommentPrefix(network: string): string {
  return `${OWNER_TAG} ${networkPart(network)} `;
}

export function ownerComment(o: Owner): string {
  return `${networkCommentPrefix(o.network)}${containerPart(o.containerId)} ${ifNamePart(o.ifName)}`;
}

/** For GC: a comment is stale when it belongs to `network` and to none of the `keep` attachments. */
export function staleOwnerTest(network: string, keep: readonly Owner[]): (comment: string | undefined) => boolean {
  const prefix = networkCommentPrefix(network);
  const kept = new Set(keep.map(ownerComment));
  return (comment) => comment !== undefined && comment.startsWith(prefix) && !kept.has(comment);
}
