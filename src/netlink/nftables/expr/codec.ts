/** The shape of one expression codec, plus small helpers for enums and flag sets by name. */
import type { AttrWriter, Attrs } from '../../codec/attr.js';
import { NetlinkDecodeError } from '../../errors.js';
import { be32 } from '../message.js';
import type { Expr } from './types.js';

export interface ExprCodec<E extends Expr = Expr> {
  /** The kernel's expression name (NFTA_EXPR_NAME). */
  readonly kernelName: string;
  /** Write the NFTA_EXPR_DATA attributes in the order nft sends them. */
  encode(e: E, w: AttrWriter): void;
  /** undefined: a form this client does not model (the caller keeps it as an `unknown` expression). */
  decode(a: Attrs): Expr | undefined;
}

/** A kernel enum whose names are listed by value (index = number). */
export class EnumNames<N extends string> {
  constructor(
    private readonly what: string,
    private readonly names: readonly (N | null)[],
  ) {}
  value(name: N): number {
    const i = this.names.indexOf(name);
    if (i < 0) throw new TypeError(`unknown ${this.what} "${name}"`);
    return i;
  }
  name(value: number): N {
    const n = this.names[value];
    if (n === undefined || n === null) throw new NetlinkDecodeError(`unknown ${this.what} ${value}`);
    return n;
  }
}

/** Bit flags by name; decoding lists names in the table's order, so round trips are stable. */
export class FlagNames<N extends string> {
  constructor(
    private readonly what: string,
    private readonly bits: readonly (readonly [N, number])[],
  ) {}
  value(names: readonly N[] | undefined): number {
    let v = 0;
    for (const n of names ?? []) {
      const bit = this.bits.find(([name]) => name === n);
      if (!bit) throw new TypeError(`unknown ${this.what} flag "${n}"`);
      v |= bit[1];
    }
    return v;
  }
  names(value: number): N[] {
    const out = this.bits.filter(([, bit]) => value & bit).map(([n]) => n);
    const known = this.value(out);
    if ((value & ~known) !== 0) throw new NetlinkDecodeError(`unknown ${this.what} flags 0x${(value & ~known).toString(16)}`);
    return out;
  }
}

export function requireBe32(a: Attrs, type: number, what: string): number {
  const v = be32(a, type);
  if (v === undefined) throw new NetlinkDecodeError(`${what}: attribute ${type} missing`);
  return v;
}
