/** lookup: is the key in register `sreg` an element of a set (`lookup reg 1 set s`)? */
import { be32 } from '../message.js';
import { NetlinkDecodeError } from '../../errors.js';
import { requireBe32, type ExprCodec } from './codec.js';
import type { LookupExpr } from './types.js';

const NFTA_LOOKUP = { SET: 1, SREG: 2, DREG: 3, SET_ID: 4, FLAGS: 5 } as const;
const NFT_LOOKUP_F_INV = 0x1;

export const lookupCodec: ExprCodec<LookupExpr> = {
  kernelName: 'lookup',
  encode(e, w) {
    w.u32be(NFTA_LOOKUP.SREG, e.sreg);
    if (e.dreg !== undefined) w.u32be(NFTA_LOOKUP.DREG, e.dreg);
    w.string(NFTA_LOOKUP.SET, e.set);
    if (e.setId !== undefined) w.u32be(NFTA_LOOKUP.SET_ID, e.setId);
    if (e.invert) w.u32be(NFTA_LOOKUP.FLAGS, NFT_LOOKUP_F_INV);
  },
  decode(a) {
    const set = a.string(NFTA_LOOKUP.SET);
    if (set === undefined) throw new NetlinkDecodeError('lookup: set name missing');
    const e: LookupExpr = { type: 'lookup', set, sreg: requireBe32(a, NFTA_LOOKUP.SREG, 'lookup') };
    const dreg = be32(a, NFTA_LOOKUP.DREG);
    if (dreg !== undefined) e.dreg = dreg;
    const setId = be32(a, NFTA_LOOKUP.SET_ID);
    if (setId !== undefined) e.setId = setId;
    if ((be32(a, NFTA_LOOKUP.FLAGS) ?? 0) & NFT_LOOKUP_F_INV) e.invert = true;
    return e;
  },
};
