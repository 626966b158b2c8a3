/** nat: snat/dnat to the address/port range held in registers (`nat dnat ip addr_min reg 1 proto_min reg 2 flags 0x2`). */
import { be32 } from '../message.js';
import { NFPROTO } from '../consts.js';
import { NetlinkDecodeError } from '../../errors.js';
import { requireBe32, type ExprCodec } from './codec.js';
import { NAT_FLAGS } from './nat-flags.js';
import type { NatExpr } from './types.js';

const NFTA_NAT = { TYPE: 1, FAMILY: 2, REG_ADDR_MIN: 3, REG_ADDR_MAX: 4, REG_PROTO_MIN: 5, REG_PROTO_MAX: 6, FLAGS: 7 } as const;
const NFT_NAT = { snat: 0, dnat: 1 } as const;

export const natCodec: ExprCodec<NatExpr> = {
  kernelName: 'nat',
  encode(e, w) {
    w.u32be(NFTA_NAT.TYPE, NFT_NAT[e.kind]);
    w.u32be(NFTA_NAT.FAMILY, e.family === 'ipv4' ? NFPROTO.ip : NFPROTO.ip6);
    if (e.regAddrMin !== undefined) w.u32be(NFTA_NAT.REG_ADDR_MIN, e.regAddrMin);
    if (e.regAddrMax !== undefined) w.u32be(NFTA_NAT.REG_ADDR_MAX, e.regAddrMax);
    if (e.regProtoMin !== undefined) w.u32be(NFTA_NAT.REG_PROTO_MIN, e.regProtoMin);
    if (e.regProtoMax !== undefined) w.u32be(NFTA_NAT.REG_PROTO_MAX, e.regProtoMax);
    if (e.flags?.length) w.u32be(NFTA_NAT.FLAGS, NAT_FLAGS.value(e.flags));
  },
  decode(a) {
    const type = requireBe32(a, NFTA_NAT.TYPE, 'nat');
    const fam = requireBe32(a, NFTA_NAT.FAMILY, 'nat');
    if (type > 1) throw new NetlinkDecodeError(`nat: unknown type ${type}`);
    if (fam !== NFPROTO.ip && fam !== NFPROTO.ip6) throw new NetlinkDecodeError(`nat: unknown family ${fam}`);
    const e: NatExpr = { type: 'nat', kind: type === NFT_NAT.snat ? 'snat' : 'dnat', family: fam === NFPROTO.ip ? 'ipv4' : 'ipv6' };
    const regs = [
      ['regAddrMin', NFTA_NAT.REG_ADDR_MIN],
      ['regAddrMax', NFTA_NAT.REG_ADDR_MAX],
      ['regProtoMin', NFTA_NAT.REG_PROTO_MIN],
      ['regProtoMax', NFTA_NAT.REG_PROTO_MAX],
    ] as const;
    for (const [field, attr] of regs) {
      const v = be32(a, attr);
      if (v !== undefined) e[field] = v;
    }
    const flags = be32(a, NFTA_NAT.FLAGS);
    if (flags) e.flags = NAT_FLAGS.names(flags);
    return e;
  },
};
