/** The expression registry: encode a rule's expression list and decode it back. */
import { AttrWriter, Attrs, NLA_F_NESTED } from '../../codec/attr.js';
import { NetlinkDecodeError } from '../../errors.js';
import { NFTA_EXPR, NFTA_LIST_ELEM } from '../consts.js';
import { bitwiseCodec } from './bitwise.js';
import { cmpCodec } from './cmp.js';
import type { ExprCodec } from './codec.js';
import { counterCodec } from './counter.js';
import { ctCodec } from './ct.js';
import { fibCodec } from './fib.js';
import { immediateCodec } from './immediate.js';
import { lookupCodec } from './lookup.js';
import { masqCodec } from './masq.js';
import { metaCodec } from './meta.js';
import { natCodec } from './nat.js';
import { payloadCodec } from './payload.js';
import type { Expr } from './types.js';

type Encodable = Exclude<Expr, { type: 'unknown' }>;

/** Codec per expression type; `verdict` shares the kernel's "immediate". */
const BY_TYPE: { [T in Encodable['type']]: ExprCodec<Extract<Encodable, { type: T }>> } = {
  meta: metaCodec,
  payload: payloadCodec,
  cmp: cmpCodec,
  bitwise: bitwiseCodec,
  immediate: immediateCodec,
  verdict: immediateCodec,
  lookup: lookupCodec,
  nat: natCodec,
  masq: masqCodec,
  ct: ctCodec,
  fib: fibCodec,
  counter: counterCodec,
};

const BY_KERNEL_NAME = new Map<string, ExprCodec>(Object.values(BY_TYPE).map((c) => [c.kernelName, c as ExprCodec]));

/** One NFTA_LIST_ELEM { NFTA_EXPR_NAME, NFTA_EXPR_DATA }. */
export function writeExpr(w: AttrWriter, e: Expr): void {
  w.nested(NFTA_LIST_ELEM, (x) => {
    if (e.type === 'unknown') {
      x.string(NFTA_EXPR.NAME, e.name);
      x.attr(NFTA_EXPR.DATA | NLA_F_NESTED, e.data);
      return;
    }
    const codec = BY_TYPE[e.type] as ExprCodec | undefined;
    if (!codec) throw new TypeError(`unknown expression type "${(e as { type: string }).type}"`);
    x.string(NFTA_EXPR.NAME, codec.kernelName);
    x.nested(NFTA_EXPR.DATA, (d) => codec.encode(e, d));
  });
}

/** The content of NFTA_RULE_EXPRESSIONS. */
export function encodeExprs(exprs: readonly Expr[]): Buffer {
  const w = new AttrWriter();
  for (const e of exprs) writeExpr(w, e);
  return w.toBuffer();
}

export function decodeExpr(elem: Buffer): Expr {
  const a = Attrs.parse(elem);
  const name = a.string(NFTA_EXPR.NAME);
  if (name === undefined) throw new NetlinkDecodeError('expression without a name');
  const raw = a.get(NFTA_EXPR.DATA) ?? Buffer.alloc(0);
  const decoded = BY_KERNEL_NAME.get(name)?.decode(Attrs.parse(raw));
  return decoded ?? { type: 'unknown', name, data: Buffer.from(raw) };
}

export function decodeExprs(list: Buffer): Expr[] {
  return Attrs.parse(list).list.map((elem) => decodeExpr(elem.data));
}

export type * from './types.js';
