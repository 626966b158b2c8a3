/** cmp: compare a register with constant data (`cmp eq reg 1 0x0500010a`). */
import { readValue, writeValue } from './data.js';
import { EnumNames, requireBe32, type ExprCodec } from './codec.js';
import type { CmpExpr, CmpOp } from './types.js';

const NFTA_CMP = { SREG: 1, OP: 2, DATA: 3 } as const;

export const CMP_OPS = new EnumNames<CmpOp>('cmp op', ['eq', 'neq', 'lt', 'lte', 'gt', 'gte']);

export const cmpCodec: ExprCodec<CmpExpr> = {
  kernelName: 'cmp',
  encode(e, w) {
    w.u32be(NFTA_CMP.SREG, e.sreg);
    w.u32be(NFTA_CMP.OP, CMP_OPS.value(e.op));
    writeValue(w, NFTA_CMP.DATA, e.data);
  },
  decode(a) {
    return {
      type: 'cmp',
      sreg: requireBe32(a, NFTA_CMP.SREG, 'cmp'),
      op: CMP_OPS.name(requireBe32(a, NFTA_CMP.OP, 'cmp')),
      data: readValue(a, NFTA_CMP.DATA, 'cmp'),
    };
  },
};
