/** masq: source NAT to the outgoing interface's address (`masq proto_min reg 1 proto_max reg 2 flags 0xe`). */
import { be32 } from '../message.js';
import type { ExprCodec } from './codec.js';
import { NAT_FLAGS } from './nat-flags.js';
import type { MasqExpr } from './types.js';

const NFTA_MASQ = { FLAGS: 1, REG_PROTO_MIN: 2, REG_PROTO_MAX: 3 } as const;

export const masqCodec: ExprCodec<MasqExpr> = {
  kernelName: 'masq',
  encode(e, w) {
    if (e.flags?.length) w.u32be(NFTA_MASQ.FLAGS, NAT_FLAGS.value(e.flags));
    if (e.regProtoMin !== undefined) w.u32be(NFTA_MASQ.REG_PROTO_MIN, e.regProtoMin);
    if (e.regProtoMax !== undefined) w.u32be(NFTA_MASQ.REG_PROTO_MAX, e.regProtoMax);
  },
  decode(a) {
    const e: MasqExpr = { type: 'masq' };
    const flags = be32(a, NFTA_MASQ.FLAGS);
    if (flags) e.flags = NAT_FLAGS.names(flags);
    const min = be32(a, NFTA_MASQ.REG_PROTO_MIN);
    if (min !== undefined) e.regProtoMin = min;
    const max = be32(a, NFTA_MASQ.REG_PROTO_MAX);
    if (max !== undefined) e.regProtoMax = max;
    return e;
  },
};
