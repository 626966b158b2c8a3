/**
 * Expressions back to nft statements, the way `nft list` shows them: follow what each register
 * holds (meta/payload/ct/fib loads, bitwise masks, immediates) and print a match at each cmp or
 * lookup, a statement at each verdict/nat/masq/counter/meta set. Protocol dependencies nft adds
 * itself (`meta nfproto ipv4` before `ip saddr`, `meta l4proto tcp` before `tcp dport`, `meta
 * iiftype ether` before `ether saddr`, `meta protocol ip` / `ether type ip` before `ip saddr` in
 * bridge and netdev tables) are folded away, and link-layer loads nft merged (`ether saddr X ether
 * type ip` is one 8-byte load) are split back into fields. Anything unrecognised prints in nft's
 * raw payload syntax (`@nh,96,32`) or as `<name>`.
 */
import { formatIp } from '../codec/ip.js';
import type { Family } from './family.js';
import { IP_PROTOCOLS } from './set-keys.js';
import type { CmpOp, CtExpr, Expr, FibExpr, MetaKey, PayloadExpr } from './expr/types.js';

type Src =
  | { k: 'meta'; key: MetaKey }
  | { k: 'payload'; e: PayloadExpr }
  | { k: 'ct'; e: CtExpr }
  | { k: 'fib'; e: FibExpr }
  | { k: 'imm'; data: Buffer }
  | { k: 'masked'; src: Src; mask: Buffer; xor: Buffer };

/** Meta keys nft prints without the `meta` prefix. */
const UNQUALIFIED = new Set<MetaKey>(['iif', 'oif', 'iifname', 'oifname', 'iifgroup', 'oifgroup']);
const OPS: Record<CmpOp, string> = { eq: '', neq: '!= ', lt: '< ', lte: '<= ', gt: '> ', gte: '>= ' };
const CT_STATES: [string, number][] = [['invalid', 1], ['established', 2], ['related', 4], ['new', 8], ['untracked', 64]];
const RTN = ['unspec', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'];
const TH_PROTOS = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp']);
const BASE_RAW = { link: 'll', network: 'nh', transport: 'th', inner: 'ih' } as const;

/** nft's ethertype names (first name wins when printing: 0x8100 is 8021q, not vlan). */
const ETHER_TYPES: [string, number][] = [['ip', 0x0800], ['arp', 0x0806], ['ip6', 0x86dd], ['8021q', 0x8100], ['8021ad', 0x88a8]];
/** nft's ARPHRD_* names for meta iiftype/oiftype. */
const ARPHRD: [string, number][] = [['ether', 1], ['ppp', 512], ['ipip', 768], ['ipip6', 769], ['loopback', 772], ['sit', 776], ['ipgre', 778]];
/** Ethernet header fields at link-layer offsets. */
const ETHER_FIELDS = [
  { name: 'daddr', offset: 0, len: 6 },
  { name: 'saddr', offset: 6, len: 6 },
  { name: 'type', offset: 12, len: 2 },
] as const;

const protoName = (n: number): string => Object.entries(IP_PROTOCOLS).find(([, v]) => v === n)?.[0] ?? String(n);
const mac = (b: Buffer): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
/** An ethertype (2 bytes, network order) by name, else as nft's 4-digit hex. */
const etherType = (b: Buffer): string => {
  const v = b.length >= 2 ? b.readUInt16BE(0) : (b[0] ?? 0);
  return ETHER_TYPES.find(([, n]) => n === v)?.[0] ?? `0x${v.toString(16).padStart(4, '0')}`;
};
const l3OfEtherType = (b: Buffer): 'ipv4' | 'ipv6' | undefined => {
  const v = b.length >= 2 ? b.readUInt16BE(0) : -1;
  return v === 0x0800 ? 'ipv4' : v === 0x86dd ? 'ipv6' : undefined;
};
const hex = (b: Buffer): string => `0x${b.toString('hex')}`;
const str = (b: Buffer): string => `"${b.toString('utf8', 0, b.indexOf(0) < 0 ? b.length : b.indexOf(0))}"`;
const hostU32 = (b: Buffer): number => (b.length >= 4 ? b.readUInt32LE(0) : b.length ? b.readUIntLE(0, b.length) : 0);
const mark = (b: Buffer): string => `0x${hostU32(b).toString(16).padStart(8, '0')}`;

function metaValue(key: MetaKey, b: Buffer): string {
  switch (key) {
    case 'iifname':
    case 'oifname':
    case 'bri_iifname':
    case 'bri_oifname':
      // No NUL within the compared bytes: a prefix match, which nft writes as "name*".
      return b.indexOf(0) < 0 && b.length < 16 ? `"${b.toString('utf8')}*"` : str(b);
    case 'l4proto':
      return protoName(b[0] ?? 0);
    case 'nfproto':
      return b[0] === 2 ? 'ipv4' : b[0] === 10 ? 'ipv6' : String(b[0]);
    case 'mark':
      return mark(b);
    case 'protocol':
      return etherType(b);
    case 'iiftype':
    case 'oiftype': {
      const v = b.length >= 2 ? b.readUInt16LE(0) : (b[0] ?? 0);
      return ARPHRD.find(([, n]) => n === v)?.[0] ?? String(v);
    }
    default:
      return String(hostU32(b));
  }
}

/**
 * A link-layer load nft merged from adjacent ether field matches, cut back into those fields with
 * their byte range in the compared data; undefined unless it spans several whole fields.
 */
function splitEtherLoad(e: PayloadExpr): { e: PayloadExpr; from: number; to: number }[] | undefined {
  if (e.base !== 'link') return undefined;
  const end = e.offset + e.len;
  const parts = ETHER_FIELDS.filter((f) => f.offset >= e.offset && f.offset + f.len <= end);
  const covered = parts.reduce((n, f) => n + f.len, 0);
  if (parts.length < 2 || parts[0]!.offset !== e.offset || covered !== e.len) return undefined;
  return parts.map((f) => ({ e: { ...e, offset: f.offset, len: f.len }, from: f.offset - e.offset, to: f.offset - e.offset + f.len }));
}

/** Prefix length of a mask of the form 1..10..0, else undefined. */
function maskPrefix(mask: Buffer): number | undefined {
  let p = 0;
  while (p < mask.length * 8 && (mask[p >> 3]! >> (7 - (p & 7))) & 1) p++;
  for (let i = p; i < mask.length * 8; i++) if ((mask[i >> 3]! >> (7 - (i & 7))) & 1) return undefined;
  return p;
}

interface Field {
  proto: string; // "ip", "ip6", "th", "tcp"...
  name: string;
  /** How values print; `bits` is the prefix length when only part of the field is compared. */
  value(b: Buffer, bits?: number): string;
  /** Bytes of the full field, for prefix matches. */
  size: number;
  /** A network-layer field: needs nfproto in inet tables. */
  l3?: 'ipv4' | 'ipv6';
  l4?: boolean;
  /** A link-layer field: needs `meta iiftype ether` outside bridge tables. */
  ll?: boolean;
}

function addr(size: number) {
  return (b: Buffer, bits?: number) => {
    const full = Buffer.alloc(size);
    b.copy(full, 0, 0, Math.min(size, b.length));
    return bits === undefined || bits === size * 8 ? formatIp(full) : `${formatIp(full)}/${bits}`;
  };
}

/** The protocol field at base/offset/len, given the layer-3 protocol known so far. */
function payloadField(e: PayloadExpr, l3: 'ipv4' | 'ipv6' | undefined, l4: string | undefined): Field | undefined {
  if (e.base === 'link') {
    const f = ETHER_FIELDS.find((x) => x.offset === e.offset && x.len === e.len);
    if (f) return { proto: 'ether', name: f.name, value: f.name === 'type' ? etherType : mac, size: f.len, ll: true };
  }
  if (e.base === 'network' && l3 === 'ipv4') {
    if (e.offset === 12 && e.len <= 4) return { proto: 'ip', name: 'saddr', value: addr(4), size: 4, l3 };
    if (e.offset === 16 && e.len <= 4) return { proto: 'ip', name: 'daddr', value: addr(4), size: 4, l3 };
    if (e.offset === 9 && e.len === 1) return { proto: 'ip', name: 'protocol', value: (b) => protoName(b[0]!), size: 1, l3 };
  }
  if (e.base === 'network' && l3 === 'ipv6') {
    if (e.offset === 8 && e.len <= 16) return { proto: 'ip6', name: 'saddr', value: addr(16), size: 16, l3 };
    if (e.offset === 24 && e.len <= 16) return { proto: 'ip6', name: 'daddr', value: addr(16), size: 16, l3 };
    if (e.offset === 6 && e.len === 1) return { proto: 'ip6', name: 'nexthdr', value: (b) => protoName(b[0]!), size: 1, l3 };
  }
  if (e.base === 'transport' && e.len === 2 && (e.offset === 0 || e.offset === 2)) {
    const proto = l4 && TH_PROTOS.has(l4) ? l4 : 'th';
    return { proto, name: e.offset === 0 ? 'sport' : 'dport', value: (b) => String(b.readUInt16BE(0)), size: 2, l4: true };
  }
  return undefined;
}

export class ExprRenderer {
  private readonly regs = new Map<number, Src>();
  private readonly out: string[] = [];
  /** Protocols established by earlier matches, and where that match sits in `out` (to fold it away). */
  private l3Dep: { at: number; proto: 'ipv4' | 'ipv6' } | undefined;
  private l4Dep: { at: number; proto: string } | undefined;
  /** `meta iiftype ether`: nft puts it before link-layer matches outside bridge tables (and hides it in all). */
  private llDep: { at: number } | undefined;

  constructor(private readonly family: Family) {}

  render(exprs: readonly Expr[]): string {
    for (const e of exprs) this.step(e);
    return this.out.filter((s) => s !== '').join(' ');
  }

  private get l3(): 'ipv4' | 'ipv6' | undefined {
    if (this.family === 'ip') return 'ipv4';
    if (this.family === 'ip6') return 'ipv6';
    return this.l3Dep?.proto;
  }

  private step(e: Expr): void {
    switch (e.type) {
      case 'meta':
        if ('dreg' in e) this.regs.set(e.dreg, { k: 'meta', key: e.key });
        else this.out.push(`meta ${e.key} set ${this.regText(e.sreg, (b) => metaValue(e.key, b))}`);
        return;
      case 'payload':
        this.regs.set(e.dreg, { k: 'payload', e });
        return;
      case 'ct':
        this.regs.set(e.dreg, { k: 'ct', e });
        return;
      case 'fib':
        this.regs.set(e.dreg, { k: 'fib', e });
        return;
      case 'immediate':
        this.regs.set(e.dreg, { k: 'imm', data: e.data });
        return;
      case 'bitwise': {
        const src = this.regs.get(e.sreg);
        if (src) this.regs.set(e.dreg, { k: 'masked', src, mask: e.mask, xor: e.xor });
        return;
      }
      case 'cmp': {
        const src = this.regs.get(e.sreg);
        const parts = src?.k === 'payload' && e.op === 'eq' ? splitEtherLoad(src.e) : undefined;
        if (!parts) this.out.push(this.match(src, e.op, e.data));
        // One entry per field, so a field that is only a dependency (ether type ip) can fold alone.
        else for (const p of parts) this.out.push(this.match({ k: 'payload', e: p.e }, 'eq', e.data.subarray(p.from, p.to)));
        return;
      }
      case 'lookup':
        this.out.push(`${this.left(this.regs.get(e.sreg))} ${e.invert ? '!= ' : ''}@${e.set}`);
        return;
      case 'verdict':
        this.out.push(e.kind === 'jump' || e.kind === 'goto' ? `${e.kind} ${e.chain}` : e.kind);
        return;
      case 'counter':
        this.out.push(e.packets === undefined && e.bytes === undefined ? 'counter' : `counter packets ${e.packets ?? 0} bytes ${e.bytes ?? 0}`);
        return;
      case 'masq': {
        let s = 'masquerade';
        if (e.regProtoMin !== undefined) s += ` to :${this.portRange(e.regProtoMin, e.regProtoMax)}`;
        this.out.push(s + natFlags(e.flags));
        return;
      }
      case 'nat': {
        const fam = this.family === 'inet' ? (e.family === 'ipv4' ? ' ip' : ' ip6') : '';
        let to = '';
        if (e.regAddrMin !== undefined) {
          const a = this.regText(e.regAddrMin, (b) => formatIp(b));
          const b = e.regAddrMax !== undefined && e.regAddrMax !== e.regAddrMin ? `-${this.regText(e.regAddrMax, (x) => formatIp(x))}` : '';
          to = e.family === 'ipv6' && e.regProtoMin !== undefined ? `[${a}${b}]` : `${a}${b}`;
        }
        if (e.regProtoMin !== undefined) to += `:${this.portRange(e.regProtoMin, e.regProtoMax)}`;
        const flags = (e.flags ?? []).filter((f) => f !== 'map-ips' && f !== 'proto-specified');
        this.out.push(`${e.kind}${fam} to ${to}${natFlags(flags)}`);
        return;
      }
      case 'unknown':
        this.out.push(`<${e.name}>`);
        return;
    }
  }

  private regText(reg: number, fmt: (b: Buffer) => string): string {
    const src = this.regs.get(reg);
    return src?.k === 'imm' ? fmt(src.data) : `<reg ${reg}>`;
  }

  private portRange(min: number, max: number | undefined): string {
    const port = (b: Buffer) => String(b.readUInt16BE(0));
    const lo = this.regText(min, port);
    const hi = max !== undefined && max !== min ? this.regText(max, port) : lo;
    return hi === lo ? lo : `${lo}-${hi}`;
  }

  /** The left-hand side of a match or lookup. */
  private left(src: Src | undefined): string {
    if (!src) return '<reg>';
    switch (src.k) {
      case 'meta':
        return UNQUALIFIED.has(src.key) ? src.key : `meta ${src.key}`;
      case 'ct':
        return `ct ${src.e.direction ? `${src.e.direction} ` : ''}${src.e.key}`;
      case 'fib':
        return `fib ${src.e.flags.join(' . ')} ${src.e.result}`;
      case 'payload': {
        const f = this.field(src.e);
        return f ? `${f.proto} ${f.name}` : `@${BASE_RAW[src.e.base]},${src.e.offset * 8},${src.e.len * 8}`;
      }
      case 'imm':
        return hex(src.data);
      case 'masked':
        return `${this.left(src.src)} & ${hex(src.mask)}`;
    }
  }

  /** The layer-3 protocol a match at the next `out` slot establishes (nfproto, meta protocol, ether type). */
  private setL3Dep(proto: 'ipv4' | 'ipv6' | undefined): void {
    if (proto) this.l3Dep = { at: this.out.length, proto };
  }

  /** Resolve a payload field, dropping the dependency match that made it printable. */
  private field(e: PayloadExpr): Field | undefined {
    const f = payloadField(e, this.l3, this.l4Dep?.proto);
    // The dependency stays known for later fields; only its printed match disappears.
    if (f?.l3 && this.l3Dep) this.out[this.l3Dep.at] = '';
    if (f?.l4 && this.l4Dep && f.proto === this.l4Dep.proto) this.out[this.l4Dep.at] = '';
    if (f?.ll && this.llDep) this.out[this.llDep.at] = '';
    return f;
  }

  private match(src: Src | undefined, op: CmpOp, data: Buffer): string {
    const o = OPS[op];
    if (!src) return `<reg> ${o}${hex(data)}`;
    switch (src.k) {
      case 'meta': {
        const text = `${this.left(src)} ${o}${metaValue(src.key, data)}`;
        if (op === 'eq' && src.key === 'nfproto' && (data[0] === 2 || data[0] === 10) && this.family === 'inet') {
          this.l3Dep = { at: this.out.length, proto: data[0] === 2 ? 'ipv4' : 'ipv6' };
        }
        if (op === 'eq' && src.key === 'l4proto') this.l4Dep = { at: this.out.length, proto: protoName(data[0]!) };
        if (op === 'eq' && src.key === 'iiftype' && metaValue('iiftype', data) === 'ether') this.llDep = { at: this.out.length };
        if (op === 'eq' && src.key === 'protocol' && (this.family === 'bridge' || this.family === 'netdev')) this.setL3Dep(l3OfEtherType(data));
        return text;
      }
      case 'payload': {
        const f = this.field(src.e);
        if (!f) return `${this.left(src)} ${o}${hex(data)}`;
        if (f.proto === 'ip' && f.name === 'protocol' && op === 'eq') this.l4Dep = { at: this.out.length, proto: protoName(data[0]!) };
        if (f.proto === 'ether' && f.name === 'type' && op === 'eq') this.setL3Dep(l3OfEtherType(data));
        const bits = src.e.len < f.size ? src.e.len * 8 : undefined;
        return `${f.proto} ${f.name} ${o}${f.value(data, bits)}`;
      }
      case 'ct':
        return `${this.left(src)} ${o}${src.e.key === 'state' ? ctStates(hostU32(data)) : src.e.key === 'mark' ? mark(data) : String(hostU32(data))}`;
      case 'fib':
        return `${this.left(src)} ${o}${src.e.result === 'type' ? (RTN[hostU32(data)] ?? String(hostU32(data))) : src.e.result === 'oifname' ? str(data) : String(hostU32(data))}`;
      case 'masked':
        return this.maskedMatch(src, op, data);
      case 'imm':
        return `${hex(src.data)} ${o}${hex(data)}`;
    }
  }

  /** Prefix matches (payload & mask == value) and flag tests (ct state & bits != 0). */
  private maskedMatch(src: Extract<Src, { k: 'masked' }>, op: CmpOp, data: Buffer): string {
    const inner = src.src;
    const zeroXor = src.xor.every((b) => b === 0);
    if (inner.k === 'payload' && zeroXor) {
      const f = this.field(inner.e);
      // nft shows masked MACs as `ether saddr & ff:ff:ff:00:00:00 == 02:00:00:00:00:00`.
      if (f?.ll && f.size === 6) return `${f.proto} ${f.name} & ${f.value(src.mask)} ${OPS[op] || '== '}${f.value(data)}`;
      const bits = maskPrefix(src.mask);
      if (f && f.size > 2 && bits !== undefined && (op === 'eq' || op === 'neq')) return `${f.proto} ${f.name} ${OPS[op]}${f.value(data, bits)}`;
    }
    if (inner.k === 'ct' && inner.e.key === 'state' && zeroXor && op === 'neq' && data.every((b) => b === 0)) {
      return `ct state ${ctStates(hostU32(src.mask))}`;
    }
    const fmt = (b: Buffer) => (inner.k === 'meta' && inner.key === 'mark') || (inner.k === 'ct' && inner.e.key === 'mark') ? mark(b) : hex(b);
    return `${this.left(inner)} & ${fmt(src.mask)} ${OPS[op] || '== '}${fmt(data)}`;
  }
}

function ctStates(v: number): string {
  const names = CT_STATES.filter(([, bit]) => v & bit).map(([n]) => n);
  return names.length ? names.join(',') : `0x${v.toString(16)}`;
}

function natFlags(flags: readonly string[] | undefined): string {
  const shown = (flags ?? []).filter((f) => f === 'random' || f === 'fully-random' || f === 'persistent');
  return shown.length ? ` ${shown.join(',')}` : '';
}

export function renderExprs(family: Family, exprs: readonly Expr[]): string {
  return new ExprRenderer(family).render(exprs);
}
