/**
 * Set key types: nft's datatype ids (src/datatype.h TYPE_*), key sizes, byte order, and element
 * text <-> bytes. Interval sets take "a.b.c.d/len" or "lo-hi" as well as single values.
 */
import { formatIp, parseCidr, parseIp } from '../codec/ip.js';
import { formatMac, parseMac } from '../codec/mac.js';
import { NFT_BYTEORDER } from './consts.js';

export type SetKeyType = 'ipv4_addr' | 'ipv6_addr' | 'inet_service' | 'inet_proto' | 'ether_addr' | 'mark' | 'ifname';

export interface KeyTypeInfo {
  /** nft's datatype id (NFTA_SET_KEY_TYPE). */
  id: number;
  len: number;
  byteorder: number;
  parse(text: string): Buffer;
  format(b: Buffer): string;
}

/** IP protocol names nft prints for inet_proto. */
export const IP_PROTOCOLS: Record<string, number> = { icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, 'ipv6-icmp': 58, sctp: 132, udplite: 136 };

function uint(text: string, max: number, what: string): number {
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > max) throw new TypeError(`invalid ${what} "${text}"`);
  return n;
}

function ip(family: 4 | 6) {
  return (text: string): Buffer => {
    const a = parseIp(text);
    if (a.family !== family) throw new TypeError(`"${text}" is not an IPv${family} address`);
    return Buffer.from(a.bytes);
  };
}

export const KEY_TYPES: Record<SetKeyType, KeyTypeInfo> = {
  ipv4_addr: { id: 7, len: 4, byteorder: NFT_BYTEORDER.big, parse: ip(4), format: formatIp },
  ipv6_addr: { id: 8, len: 16, byteorder: NFT_BYTEORDER.big, parse: ip(6), format: formatIp },
  ether_addr: { id: 9, len: 6, byteorder: NFT_BYTEORDER.big, parse: (t) => Buffer.from(parseMac(t)), format: (b) => formatMac(b) },
  inet_proto: {
    id: 12,
    len: 1,
    byteorder: NFT_BYTEORDER.big,
    parse: (t) => Buffer.from([IP_PROTOCOLS[t] ?? uint(t, 255, 'protocol')]),
    format: (b) => Object.entries(IP_PROTOCOLS).find(([, n]) => n === b[0])?.[0] ?? String(b[0]),
  },
  inet_service: {
    id: 13,
    len: 2,
    byteorder: NFT_BYTEORDER.big,
    parse: (t) => {
      const b = Buffer.alloc(2);
      b.writeUInt16BE(uint(t, 0xffff, 'port'));
      return b;
    },
    format: (b) => String(b.readUInt16BE(0)),
  },
  mark: {
    id: 19,
    len: 4,
    byteorder: NFT_BYTEORDER.host,
    parse: (t) => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(uint(t, 0xffffffff, 'mark'));
      return b;
    },
    format: (b) => `0x${b.readUInt32LE(0).toString(16).padStart(8, '0')}`,
  },
  ifname: {
    id: 41,
    len: 16,
    byteorder: NFT_BYTEORDER.host,
    parse: (t) => {
      if (Buffer.byteLength(t) > 15) throw new TypeError(`interface name "${t}" is longer than 15 bytes`);
      const b = Buffer.alloc(16);
      b.write(t);
      return b;
    },
    format: (b) => `"${b.toString('utf8', 0, b.indexOf(0) < 0 ? b.length : b.indexOf(0))}"`,
  },
};

export function keyTypeById(id: number): SetKeyType | undefined {
  return (Object.keys(KEY_TYPES) as SetKeyType[]).find((k) => KEY_TYPES[k].id === id);
}

/** An inclusive range [first, last] of key bytes. */
export interface KeyRange {
  first: Buffer;
  last: Buffer;
}

/** Parse an element of an interval set: a single value, "lo-hi", or (addresses) a CIDR. */
export function parseRange(type: SetKeyType, text: string): KeyRange {
  const info = KEY_TYPES[type];
  if ((type === 'ipv4_addr' || type === 'ipv6_addr') && text.includes('/')) {
    const c = parseCidr(text);
    const first = Buffer.from(c.bytes);
    const last = Buffer.from(c.bytes);
    for (let i = 0; i < first.length; i++) {
      const keep = Math.min(8, Math.max(0, c.prefixLen - i * 8));
      const mask = (0xff << (8 - keep)) & 0xff;
      first[i] = first[i]! & mask;
      last[i] = first[i]! | (~mask & 0xff);
    }
    if (!first.equals(Buffer.from(c.bytes))) throw new TypeError(`"${text}" has host bits set`);
    return { first, last };
  }
  const dash = text.indexOf('-', type === 'ipv6_addr' ? 0 : 1);
  if (dash > 0 && type !== 'ifname') {
    const range = { first: info.parse(text.slice(0, dash)), last: info.parse(text.slice(dash + 1)) };
    if (Buffer.compare(range.first, range.last) > 0) throw new TypeError(`range "${text}" is reversed`);
    return range;
  }
  const v = info.parse(text);
  return { first: v, last: v };
}

/** Render an interval back as nft does: a single value, a CIDR when it is one, else "lo-hi". */
export function formatRange(type: SetKeyType, r: KeyRange): string {
  const info = KEY_TYPES[type];
  if (r.first.equals(r.last)) return info.format(r.first);
  if (type === 'ipv4_addr' || type === 'ipv6_addr') {
    const len = prefixOf(r);
    if (len !== undefined) return `${info.format(r.first)}/${len}`;
  }
  return `${info.format(r.first)}-${info.format(r.last)}`;
}

/** The prefix length when [first, last] is exactly one CIDR block. */
function prefixOf(r: KeyRange): number | undefined {
  const bits = r.first.length * 8;
  const bit = (b: Buffer, i: number) => (b[i >> 3]! >> (7 - (i & 7))) & 1;
  let p = 0;
  while (p < bits && bit(r.first, p) === bit(r.last, p)) p++;
  for (let i = p; i < bits; i++) if (bit(r.first, i) !== 0 || bit(r.last, i) !== 1) return undefined;
  return p;
}

/** Big-endian increment; undefined on overflow (the range ends at the type's maximum). */
export function increment(b: Buffer): Buffer | undefined {
  const out = Buffer.from(b);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== 0xff) {
      out[i]!++;
      return out;
    }
    out[i] = 0;
  }
  return undefined;
}

export function decrement(b: Buffer): Buffer {
  const out = Buffer.from(b);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== 0) {
      out[i]!--;
      return out;
    }
    out[i] = 0xff;
  }
  return out;
}
