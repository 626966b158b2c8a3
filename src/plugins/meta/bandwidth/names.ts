/**
 * The IFB device of an attachment and how we recognise our own. The name is the reference's
 * ("bwp" + sha512(network + containerID) in hex, 15 characters), so a DEL by either implementation
 * finds the other's device. Ours also carry an alias naming the network by hash, which is what GC
 * trusts: an IFB without it (made by the reference or anyone else) is never garbage-collected.
 */
import { sha256Hex, sha512Hex } from '../../../lib/hash.js';

const IFB_PREFIX = 'bwp';
const MAX_IFNAME = 15;
const ALIAS_MAX = 255;

export function ifbName(network: string, containerId: string): string {
  return `${IFB_PREFIX}${sha512Hex(network + containerId)}`.slice(0, MAX_IFNAME);
}

/** "cni-bandwidth <16 hex of sha256(network)> " starts the alias of every IFB of the network. */
export function aliasPrefix(network: string): string {
  return `cni-bandwidth ${sha256Hex(network).slice(0, 16)} `;
}

/** The prefix, then network/containerID for people reading `ip link` (cut to the kernel's 255 bytes). */
export function ifbAlias(network: string, containerId: string): string {
  const full = Buffer.from(`${aliasPrefix(network)}${network}/${containerId}`);
  return full.length <= ALIAS_MAX ? full.toString() : full.subarray(0, ALIAS_MAX).toString().replace(/\uFFFD$/, '');
}
