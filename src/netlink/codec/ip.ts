/**
 * IP address and CIDR text <-> bytes. Formatting follows RFC 5952 (what Go's net/netip and
 * iproute2 print): lowercase hex, no leading zeros, the longest run of two or more zero groups
 * (the first on a tie) shortened to "::", and IPv4-mapped addresses as "::ffff:a.b.c.d".
 * Invalid input raises TypeError. Validation is the shared Go-compatible parser in src/lib/ip
 * (node:net's isIP would cost ~1 ms of module loading on every plugin start).
 */
import { parseIPv4Text, parseIPv6Text } from '../../lib/ip/text.js';

export type IpFamily = 4 | 6;

export const AF_INET = 2;
export const AF_INET6 = 10;

export function familyToAf(family: IpFamily): number {
  return family === 4 ? AF_INET : AF_INET6;
}
export function afToFamily(af: number): IpFamily | undefined {
  return af === AF_INET ? 4 : af === AF_INET6 ? 6 : undefined;
}

export interface IpAddress {
  family: IpFamily;
  /** 4 or 16 bytes, network order. */
  bytes: Buffer;
}

export interface Cidr extends IpAddress {
  prefixLen: number;
}

function parseV4(s: string): Buffer {
  return Buffer.from(s.split('.').map((p) => Number(p)));
}

function parseV6(s: string): Buffer {
  const out = Buffer.alloc(16);
  let tail4: Buffer | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    tail4 = parseV4(s.slice(lastColon + 1));
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = s.split('::') as [string, string | undefined];
  const words = (part: string) => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)));
  const left = words(head);
  const right = rest === undefined ? [] : words(rest);
  const all = rest === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  if (tail4) tail4.copy(out, 12);
  return out;
}

/** Parse "10.0.0.1" or "fd00::1". Zone suffixes ("%eth0") are rejected. */
export function parseIp(text: string): IpAddress {
  if (parseIPv4Text(text) !== undefined) return { family: 4, bytes: parseV4(text) };
  if (parseIPv6Text(text) !== undefined) return { family: 6, bytes: parseV6(text) };
  throw new TypeError(`invalid IP address "${text}"`);
}

/** Parse "10.0.0.2/24" keeping the host bits (use `maskCidr` for the network). */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  if (slash < 0) throw new TypeError(`invalid CIDR "${text}": missing "/prefix"`);
  const ip = parseIp(text.slice(0, slash));
  const lenText = text.slice(slash + 1);
  const prefixLen = Number(lenText);
  const max = ip.family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(lenText) || prefixLen > max) throw new TypeError(`invalid CIDR "${text}": prefix length must be 0-${max}`);
  return { ...ip, prefixLen };
}

/** The network address: host bits cleared. */
export function maskCidr(c: Cidr): Cidr {
  const bytes = Buffer.from(c.bytes);
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.min(8, Math.max(0, c.prefixLen - i * 8));
    bytes[i] = bytes[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return { family: c.family, bytes, prefixLen: c.prefixLen };
}

/** IPv4 directed broadcast for an address and prefix (all host bits set). */
export function ipv4Broadcast(bytes: Uint8Array, prefixLen: number): Buffer {
  const v = bytes.length === 4 ? Buffer.from(bytes).readUInt32BE(0) : 0;
  const hostMask = prefixLen >= 32 ? 0 : 0xffffffff >>> prefixLen;
  const out = Buffer.alloc(4);
  out.writeUInt32BE((v | hostMask) >>> 0);
  return out;
}

function formatV6(b: Uint8Array): string {
  const buf = Buffer.from(b);
  const w = Array.from({ length: 8 }, (_, i) => buf.readUInt16BE(i * 2));
  if (w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff) return `::ffff:${[...b.subarray(12)].join('.')}`;
  let bestAt = -1;
  let bestLen = 1; // RFC 5952 4.2.2: a single zero group is not shortened
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) [bestAt, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (ws: number[]) => ws.map((x) => x.toString(16)).join(':');
  if (bestAt < 0) return hex(w);
  return `${hex(w.slice(0, bestAt))}::${hex(w.slice(bestAt + bestLen))}`;
}

/** Format 4 or 16 bytes. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length === 16) return formatV6(bytes);
  throw new TypeError(`IP address must be 4 or 16 bytes, got ${bytes.length}`);
}

export function formatCidr(c: { bytes: Uint8Array; prefixLen: number }): string {
  return `${formatIp(c.bytes)}/${c.prefixLen}`;
}
