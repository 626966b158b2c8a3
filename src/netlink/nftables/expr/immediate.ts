/**
 * immediate: a constant into a data register (`immediate reg 1 0x0500010a`) or a verdict into
 * register 0 (`immediate reg 0 jump -> hp`). Both are the kernel's "immediate"; the verdict form is
 * its own expression type here.
 */
import { NFT_REG } from '../consts.js';
import { readValue, readVerdict, writeValue, writeVerdict } from './data.js';
import { requireBe32, type ExprCodec } from './codec.js';
import type { ImmediateExpr, VerdictExpr } from './types.js';

const NFTA_IMMEDIATE = { DREG: 1, DATA: 2 } as const;

export const immediateCodec: ExprCodec<ImmediateExpr | VerdictExpr> = {
  kernelName: 'immediate',
  encode(e, w) {
    if (e.type === 'verdict') {
      w.u32be(NFTA_IMMEDIATE.DREG, NFT_REG.VERDICT);
      writeVerdict(w, NFTA_IMMEDIATE.DATA, e);
    } else {
      w.u32be(NFTA_IMMEDIATE.DREG, e.dreg);
      writeValue(w, NFTA_IMMEDIATE.DATA, e.data);
    }
  },
  decode(a) {
    const dreg = requireBe32(a, NFTA_IMMEDIATE.DREG, 'immediate');
    const verdict = readVerdict(a, NFTA_IMMEDIATE.DATA);
    if (verdict) return dreg === NFT_REG.VERDICT ? verdict : undefined;
    return { type: 'immediate', dreg, data: readValue(a, NFTA_IMMEDIATE.DATA, 'immediate') };
  },
};
