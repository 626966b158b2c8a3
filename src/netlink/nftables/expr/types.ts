/**
 * nf_tables expressions: a closed union of plain objects tagged by `type`, one codec file each
 * (see index.ts). Registers are NFT_REG_* numbers (0 = verdict, 1-4 = 16-byte registers, 8-23 =
 * their 4-byte slices). Data is raw register content: network order for addresses and ports, host
 * order for marks, ct state and the like, exactly as `nft --debug=netlink` shows it.
 */

export type MetaKey =
  | 'len' | 'protocol' | 'priority' | 'mark' | 'iif' | 'oif' | 'iifname' | 'oifname' | 'iiftype' | 'oiftype'
  | 'skuid' | 'skgid' | 'nftrace' | 'rtclassid' | 'secmark' | 'nfproto' | 'l4proto' | 'bri_iifname' | 'bri_oifname'
  | 'pkttype' | 'cpu' | 'iifgroup' | 'oifgroup' | 'cgroup' | 'prandom';

/** Load a packet/meta key into `dreg`, or (with `sreg`) set the key from a register. */
export type MetaExpr = { type: 'meta'; key: MetaKey; dreg: number } | { type: 'meta'; key: MetaKey; sreg: number };

export type PayloadBase = 'link' | 'network' | 'transport' | 'inner';
export interface PayloadExpr {
  type: 'payload';
  base: PayloadBase;
  offset: number;
  len: number;
  dreg: number;
}

export type CmpOp = 'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte';
export interface CmpExpr {
  type: 'cmp';
  op: CmpOp;
  sreg: number;
  data: Buffer;
}

/** dreg = (sreg & mask) ^ xor over `len` bytes. */
export interface BitwiseExpr {
  type: 'bitwise';
  sreg: number;
  dreg: number;
  len: number;
  mask: Buffer;
  xor: Buffer;
}

/** Load a constant into a data register. */
export interface ImmediateExpr {
  type: 'immediate';
  dreg: number;
  data: Buffer;
}

export type VerdictKind = 'accept' | 'drop' | 'continue' | 'return' | 'jump' | 'goto';
/** A verdict (an `immediate` into the verdict register); jump/goto name a chain. */
export type VerdictExpr = { type: 'verdict'; kind: 'accept' | 'drop' | 'continue' | 'return' } | { type: 'verdict'; kind: 'jump' | 'goto'; chain: string };

export interface LookupExpr {
  type: 'lookup';
  set: string;
  sreg: number;
  /** For maps: where the mapped value goes. */
  dreg?: number;
  /** Transaction-local id of a set created in the same batch. */
  setId?: number;
  /** Match when the key is NOT in the set. */
  invert?: boolean;
}

/** NF_NAT_RANGE_* flags by name. */
export type NatFlag = 'map-ips' | 'proto-specified' | 'random' | 'persistent' | 'fully-random' | 'proto-offset' | 'netmap';

export interface NatExpr {
  type: 'nat';
  kind: 'snat' | 'dnat';
  family: 'ipv4' | 'ipv6';
  regAddrMin?: number;
  regAddrMax?: number;
  regProtoMin?: number;
  regProtoMax?: number;
  flags?: NatFlag[];
}

export interface MasqExpr {
  type: 'masq';
  flags?: NatFlag[];
  regProtoMin?: number;
  regProtoMax?: number;
}

export type CtKey =
  | 'state' | 'direction' | 'status' | 'mark' | 'secmark' | 'expiration' | 'helper' | 'l3protocol' | 'src' | 'dst'
  | 'protocol' | 'proto-src' | 'proto-dst' | 'labels' | 'pkts' | 'bytes' | 'avgpkt' | 'zone' | 'eventmask'
  | 'ip saddr' | 'ip daddr' | 'ip6 saddr' | 'ip6 daddr' | 'id';

export interface CtExpr {
  type: 'ct';
  key: CtKey;
  dreg: number;
  direction?: 'original' | 'reply';
}

export type FibFlag = 'saddr' | 'daddr' | 'mark' | 'iif' | 'oif' | 'present';
export type FibResult = 'oif' | 'oifname' | 'type';
export interface FibExpr {
  type: 'fib';
  flags: FibFlag[];
  result: FibResult;
  dreg: number;
}

export interface CounterExpr {
  type: 'counter';
  bytes?: number;
  packets?: number;
}

/** An expression this client has no codec for (kept so foreign rules survive listing). */
export interface UnknownExpr {
  type: 'unknown';
  name: string;
  /** NFTA_EXPR_DATA content (the nested attributes). */
  data: Buffer;
}

export type Expr =
  | MetaExpr
  | PayloadExpr
  | CmpExpr
  | BitwiseExpr
  | ImmediateExpr
  | VerdictExpr
  | LookupExpr
  | NatExpr
  | MasqExpr
  | CtExpr
  | FibExpr
  | CounterExpr
  | UnknownExpr;
