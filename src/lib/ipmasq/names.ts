/**
 * Rule names and comments exactly as the reference plugins make them (pkg/utils FormatChainName /
 * FormatComment for iptables, pkg/ip/ipmasq_nftables_linux.go for nftables), so rules made by
 * either implementation are found and removed by the other.
 */
import { sha512Hex } from '../hash.js';

const sha512hex = sha512Hex;

/** "CNI-" + sha512(network + containerId) in hex, cut to 28 characters in all. */
export function iptablesChainName(network: string, containerId: string): string {
  return `CNI-${sha512hex(network + containerId)}`.slice(0, 28);
}

/** Go's %q for the strings we meet: JSON escaping, with Go's \xNN for control bytes. */
export function goQuote(s: string): string {
  return JSON.stringify(s)
    .replace(/\\u00([0-1][0-9a-f])/g, (_m, hex: string) => {
      const named: Record<string, string> = { '07': '\\a', '0b': '\\v' };
      return named[hex] ?? `\\x${hex}`;
    })
    .replace(/\x7f/g, '\\x7f');
}

/** `name: "<net>" id: "<cid>"` (Go %q quoting): the comment on every iptables rule of an attachment. */
export function iptablesComment(network: string, containerId: string): string {
  return `name: ${goQuote(network)} id: ${goQuote(containerId)}`;
}

/** Parse an iptablesComment back (as iptables-save shows it, quotes already removed). */
export function parseIptablesComment(comment: string): { network: string; containerId: string } | undefined {
  const m = /^name: ("(?:[^"\\]|\\.)*") id: ("(?:[^"\\]|\\.)*")$/.exec(comment);
  if (!m) return undefined;
  try {
    return { network: JSON.parse(m[1]!) as string, containerId: JSON.parse(m[2]!) as string };
  } catch {
    return undefined; // a Go-only escape (\x..): not one we can map back
  }
}

/** knftables.CommentLengthMax */
const NFT_COMMENT_MAX = 128;

/** 16 hex characters of sha512(network): the prefix of every nftables comment of the network. */
export function nftNetworkHash(network: string): string {
  return sha512hex(network).slice(0, 16);
}

/** network hash + "-" + 16 hex of sha512(ifname + ":" + containerId). */
export function nftInstanceHash(a: { network: string; ifName: string; containerId: string }): string {
  return `${nftNetworkHash(a.network)}-${sha512hex(`${a.ifName}:${a.containerId}`).slice(0, 16)}`;
}

/** "<hash>, net: <net>, if: <ifname>, id: <cid>" without double quotes, cut to 128 bytes. */
export function nftComment(a: { network: string; ifName: string; containerId: string }): string {
  const strip = (s: string) => s.replaceAll('"', '');
  const full = `${nftInstanceHash(a)}, net: ${strip(a.network)}, if: ${strip(a.ifName)}, id: ${strip(a.containerId)}`;
  const bytes = Buffer.from(full);
  return bytes.length <= NFT_COMMENT_MAX ? full : bytes.subarray(0, NFT_COMMENT_MAX).toString('utf8');
}
