/** payload: load `len` bytes at `offset` of a header (`payload load 4b @ network header + 12 => reg 1`). */
import { EnumNames, requireBe32, type ExprCodec } from './codec.js';
import type { PayloadBase, PayloadExpr } from './types.js';

const NFTA_PAYLOAD = { DREG: 1, BASE: 2, OFFSET: 3, LEN: 4 } as const;

export const PAYLOAD_BASES = new EnumNames<PayloadBase>('payload base', ['link', 'network', 'transport', 'inner']);

export const payloadCodec: ExprCodec<PayloadExpr> = {
  kernelName: 'payload',
  encode(e, w) {
    w.u32be(NFTA_PAYLOAD.DREG, e.dreg);
    w.u32be(NFTA_PAYLOAD.BASE, PAYLOAD_BASES.value(e.base));
    w.u32be(NFTA_PAYLOAD.OFFSET, e.offset);
    w.u32be(NFTA_PAYLOAD.LEN, e.len);
  },
  decode(a) {
    return {
      type: 'payload',
      dreg: requireBe32(a, NFTA_PAYLOAD.DREG, 'payload'),
      base: PAYLOAD_BASES.name(requireBe32(a, NFTA_PAYLOAD.BASE, 'payload')),
      offset: requireBe32(a, NFTA_PAYLOAD.OFFSET, 'payload'),
      len: requireBe32(a, NFTA_PAYLOAD.LEN, 'payload'),
    };
  },
};
