/** bitwise (mask/xor form): `bitwise reg 1 = ( reg 1 & 0x000000f0 ) ^ 0x00000000`. */
import { be32 } from '../message.js';
import { readValue, writeValue } from './data.js';
import { requireBe32, type ExprCodec } from './codec.js';
import type { BitwiseExpr } from './types.js';

const NFTA_BITWISE = { SREG: 1, DREG: 2, LEN: 3, MASK: 4, XOR: 5, OP: 6 } as const;
const NFT_BITWISE_MASK_XOR = 0;

export const bitwiseCodec: ExprCodec<BitwiseExpr> = {
  kernelName: 'bitwise',
  encode(e, w) {
    w.u32be(NFTA_BITWISE.SREG, e.sreg);
    w.u32be(NFTA_BITWISE.DREG, e.dreg);
    w.u32be(NFTA_BITWISE.LEN, e.len);
    writeValue(w, NFTA_BITWISE.MASK, e.mask);
    writeValue(w, NFTA_BITWISE.XOR, e.xor);
  },
  decode(a) {
    const op = be32(a, NFTA_BITWISE.OP) ?? NFT_BITWISE_MASK_XOR;
    if (op !== NFT_BITWISE_MASK_XOR) return undefined; // shift forms are not modelled
    return {
      type: 'bitwise',
      sreg: requireBe32(a, NFTA_BITWISE.SREG, 'bitwise'),
      dreg: requireBe32(a, NFTA_BITWISE.DREG, 'bitwise'),
      len: requireBe32(a, NFTA_BITWISE.LEN, 'bitwise'),
      mask: readValue(a, NFTA_BITWISE.MASK, 'bitwise'),
      xor: readValue(a, NFTA_BITWISE.XOR, 'bitwise'),
    };
  },
};

