/**
 * Builders for common matches and statements, compiled the way nft compiles them (so `nft list`
 * prints them back as the same text). Matches return expression arrays to spread into a rule:
 *
 *   exprs: [...nfproto('ipv4'), ...ipSaddr('10.1.0.5'), ...ipDaddr('10.1.0.0/24', { neq: true }), masquerade()]
 *   // nft: ip saddr 10.1.0.5 ip daddr != 10.1.0.0/24 masquerade   (in an inet table)
 *
 * In inet (and bridge/netdev) tables nft puts `meta nfproto` before the first address match;
 * use nfproto() once, or pass { nfproto: true } to a single match.
 */
import { parseCidr, parseIp, type IpAddress } from '../codec/ip.js';
import { NFT_REG } from './consts.js';
import { IP_PROTOCOLS } from './set-keys.js';
import type { CmpExpr, CounterExpr, CtExpr, Expr, MasqExpr, MetaExpr, NatExpr, NatFlag, VerdictExpr } from './expr/types.js';

const R1 = NFT_REG.R1;

export interface MatchOptions {
  /** Negate: `!=`. */
  neq?: boolean;
  /** Prepend the `meta nfproto` check nft adds in inet tables. */
  nfproto?: boolean;
}

const cmp = (data: Buffer, neq?: boolean): CmpExpr => ({ type: 'cmp', op: neq ? 'neq' : 'eq', sreg: R1, data });
const load = (key: MetaExpr['key']): MetaExpr => ({ type: 'meta', key, dreg: R1 });

/** meta nfproto ipv4|ipv6 */
export function nfproto(p: 'ipv4' | 'ipv6'): Expr[] {
  return [load('nfproto'), cmp(Buffer.from([p === 'ipv4' ? 2 : 10]))];
}

function parseAddrOrCidr(text: string): IpAddress & { prefixLen: number } {
  if (text.includes('/')) return parseCidr(text);
  const a = parseIp(text);
  return { ...a, prefixLen: a.family === 4 ? 32 : 128 };
}

/** ip/ip6 saddr|daddr ADDR[/LEN]: payload (+ bitwise for odd prefixes) + cmp, like nft. */
function addrMatch(field: 'saddr' | 'daddr', text: string, opts: MatchOptions): Expr[] {
  const c = parseAddrOrCidr(text);
  const size = c.bytes.length;
  const offset = c.family === 4 ? (field === 'saddr' ? 12 : 16) : field === 'saddr' ? 8 : 24;
  const out: Expr[] = opts.nfproto ? nfproto(c.family === 4 ? 'ipv4' : 'ipv6') : [];
  const masked = Buffer.from(c.bytes);
  for (let i = 0; i < size; i++) {
    const keep = Math.min(8, Math.max(0, c.prefixLen - i * 8));
    masked[i] = masked[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  if (c.prefixLen % 8 === 0 && c.prefixLen > 0) {
    // Byte-aligned prefix: nft loads only the prefix bytes.
    const len = c.prefixLen / 8;
    out.push({ type: 'payload', base: 'network', offset, len, dreg: R1 }, cmp(masked.subarray(0, len), opts.neq));
    return out;
  }
  const mask = Buffer.alloc(size);
  for (let i = 0; i < size; i++) mask[i] = (0xff << (8 - Math.min(8, Math.max(0, c.prefixLen - i * 8)))) & 0xff;
  out.push(
    { type: 'payload', base: 'network', offset, len: size, dreg: R1 },
    { type: 'bitwise', sreg: R1, dreg: R1, len: size, mask, xor: Buffer.alloc(size) },
    cmp(masked, opts.neq),
  );
  return out;
}

/** ip saddr 10.0.0.1 / ip saddr != 10.0.0.0/8 / ip6 saddr fd00::/64 (family from the address). */
export const ipSaddr = (addr: string, opts: MatchOptions = {}): Expr[] => addrMatch('saddr', addr, opts);
/** ip daddr ... / ip6 daddr ... */
export const ipDaddr = (addr: string, opts: MatchOptions = {}): Expr[] => addrMatch('daddr', addr, opts);

/** ip saddr @set / ip6 saddr != @set */
export function addrInSet(field: 'saddr' | 'daddr', family: 'ipv4' | 'ipv6', set: string, opts: MatchOptions = {}): Expr[] {
  const offset = family === 'ipv4' ? (field === 'saddr' ? 12 : 16) : field === 'saddr' ? 8 : 24;
  return [
    ...(opts.nfproto ? nfproto(family) : []),
    { type: 'payload', base: 'network', offset, len: family === 'ipv4' ? 4 : 16, dreg: R1 },
    { type: 'lookup', set, sreg: R1, ...(opts.neq ? { invert: true } : {}) },
  ];
}

export type L4Proto = 'tcp' | 'udp' | 'sctp' | 'icmp' | 'ipv6-icmp' | 'udplite' | number;

function protoNumber(p: L4Proto): number {
  const n = typeof p === 'number' ? p : IP_PROTOCOLS[p];
  if (n === undefined || n < 0 || n > 255) throw new TypeError(`unknown IP protocol "${p}"`);
  return n;
}

/** meta l4proto tcp */
export function l4proto(p: L4Proto, opts: MatchOptions = {}): Expr[] {
  return [load('l4proto'), cmp(Buffer.from([protoNumber(p)]), opts.neq)];
}

function portMatch(offset: number, port: number, proto: L4Proto | undefined, opts: MatchOptions): Expr[] {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`invalid port ${port}`);
  const b = Buffer.alloc(2);
  b.writeUInt16BE(port);
  return [...(proto === undefined ? [] : l4proto(proto)), { type: 'payload', base: 'transport', offset, len: 2, dreg: R1 }, cmp(b, opts.neq)];
}

/** tcp dport 80 (with proto: `meta l4proto tcp` first, as nft does); without proto `th dport 80`. */
export const dport = (port: number, proto?: L4Proto, opts: MatchOptions = {}): Expr[] => portMatch(2, port, proto, opts);
export const sport = (port: number, proto?: L4Proto, opts: MatchOptions = {}): Expr[] => portMatch(0, port, proto, opts);

/** Interface name as nft compares it: 16 bytes NUL-padded, or a prefix for "veth*". */
function ifname(key: 'iifname' | 'oifname', name: string, opts: MatchOptions): Expr[] {
  const wildcard = name.endsWith('*');
  const text = wildcard ? name.slice(0, -1) : name;
  if (Buffer.byteLength(text) > 15) throw new TypeError(`interface name "${name}" is too long`);
  const data = wildcard ? Buffer.from(text) : Buffer.concat([Buffer.from(text), Buffer.alloc(16 - Buffer.byteLength(text))]);
  return [load(key), cmp(data, opts.neq)];
}
export const iifname = (name: string, opts: MatchOptions = {}): Expr[] => ifname('iifname', name, opts);
export const oifname = (name: string, opts: MatchOptions = {}): Expr[] => ifname('oifname', name, opts);

const hostU32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};

/** meta mark 0x10 (or `meta mark & mask == value` with a mask). */
export function markMatch(value: number, mask?: number, opts: MatchOptions = {}): Expr[] {
  if (mask === undefined) return [load('mark'), cmp(hostU32(value), opts.neq)];
  return [load('mark'), { type: 'bitwise', sreg: R1, dreg: R1, len: 4, mask: hostU32(mask), xor: hostU32(0) }, cmp(hostU32(value & mask), opts.neq)];
}

/** meta mark set 0x2000 */
export function setMark(value: number): Expr[] {
  return [{ type: 'immediate', dreg: R1, data: hostU32(value) }, { type: 'meta', key: 'mark', sreg: R1 }];
}

export type CtState = 'invalid' | 'established' | 'related' | 'new' | 'untracked';
const CT_STATE_BITS: Record<CtState, number> = { invalid: 1, established: 2, related: 4, new: 8, untracked: 64 };

/** ct state established,related */
export function ctState(...states: CtState[]): Expr[] {
  const bits = states.reduce((v, s) => v | CT_STATE_BITS[s], 0);
  const ct: CtExpr = { type: 'ct', key: 'state', dreg: R1 };
  return [ct, { type: 'bitwise', sreg: R1, dreg: R1, len: 4, mask: hostU32(bits), xor: hostU32(0) }, cmp(hostU32(0), true)];
}

/** fib daddr type local (RTN_LOCAL), what portmap's DNAT chains hang off. */
export function fibDaddrTypeLocal(opts: MatchOptions = {}): Expr[] {
  return [{ type: 'fib', flags: ['daddr'], result: 'type', dreg: R1 }, cmp(hostU32(2), opts.neq)];
}

export const accept = (): VerdictExpr => ({ type: 'verdict', kind: 'accept' });
export const drop = (): VerdictExpr => ({ type: 'verdict', kind: 'drop' });
export const ret = (): VerdictExpr => ({ type: 'verdict', kind: 'return' });
export const jump = (chain: string): VerdictExpr => ({ type: 'verdict', kind: 'jump', chain });
export const goTo = (chain: string): VerdictExpr => ({ type: 'verdict', kind: 'goto', chain });
export const counter = (): CounterExpr => ({ type: 'counter' });

const portBytes = (p: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(p);
  return b;
};

/** masquerade [to :min-max] [random,fully-random,persistent] */
export function masquerade(opts: { flags?: NatFlag[]; ports?: [number, number] } = {}): Expr[] {
  const flags = [...(opts.flags ?? [])];
  if (!opts.ports) return [{ type: 'masq', ...(flags.length ? { flags } : {}) }];
  const [min, max] = opts.ports;
  const masq: MasqExpr = { type: 'masq', flags: orderFlags(['proto-specified', ...flags]), regProtoMin: 1, regProtoMax: 2 };
  return [{ type: 'immediate', dreg: 1, data: portBytes(min) }, { type: 'immediate', dreg: 2, data: portBytes(max) }, masq];
}

const FLAG_ORDER: NatFlag[] = ['map-ips', 'proto-specified', 'random', 'fully-random', 'persistent', 'proto-offset', 'netmap'];
const orderFlags = (f: NatFlag[]): NatFlag[] => FLAG_ORDER.filter((x) => f.includes(x));

/**
 * snat/dnat to ADDR[:PORT]. Compiled like nft: without a port the address range is [addr, addr]
 * with map-ips; with a port only addr_min and proto_min (nft 1.0.6 output).
 */
export function nat(kind: 'snat' | 'dnat', addr: string, port?: number, flags: NatFlag[] = []): Expr[] {
  const a = parseIp(addr);
  const family = a.family === 4 ? 'ipv4' : 'ipv6';
  const out: Expr[] = [{ type: 'immediate', dreg: 1, data: Buffer.from(a.bytes) }];
  let e: NatExpr;
  if (port === undefined) {
    e = { type: 'nat', kind, family, regAddrMin: 1, regAddrMax: 1, flags: orderFlags(['map-ips', ...flags]) };
  } else {
    out.push({ type: 'immediate', dreg: 2, data: portBytes(port) });
    e = { type: 'nat', kind, family, regAddrMin: 1, regProtoMin: 2, flags: orderFlags(['proto-specified', ...flags]) };
  }
  out.push(e);
  return out;
}
export const snat = (addr: string, port?: number, flags?: NatFlag[]): Expr[] => nat('snat', addr, port, flags);
export const dnat = (addr: string, port?: number, flags?: NatFlag[]): Expr[] => nat('dnat', addr, port, flags);
