/** ct: load a conntrack property (`ct load state => reg 1`). */
import { be32 } from '../message.js';
import { EnumNames, requireBe32, type ExprCodec } from './codec.js';
import type { CtExpr, CtKey } from './types.js';

const NFTA_CT = { DREG: 1, KEY: 2, DIRECTION: 3 } as const;

/** enum nft_ct_keys, by value. */
export const CT_KEYS = new EnumNames<CtKey>('ct key', [
  'state', 'direction', 'status', 'mark', 'secmark', 'expiration', 'helper', 'l3protocol', 'src', 'dst',
  'protocol', 'proto-src', 'proto-dst', 'labels', 'pkts', 'bytes', 'avgpkt', 'zone', 'eventmask',
  'ip saddr', 'ip daddr', 'ip6 saddr', 'ip6 daddr', 'id',
]);

export const ctCodec: ExprCodec<CtExpr> = {
  kernelName: 'ct',
  encode(e, w) {
    w.u32be(NFTA_CT.KEY, CT_KEYS.value(e.key));
    w.u32be(NFTA_CT.DREG, e.dreg);
    if (e.direction) w.u8(NFTA_CT.DIRECTION, e.direction === 'original' ? 0 : 1);
  },
  decode(a) {
    const dreg = be32(a, NFTA_CT.DREG);
    if (dreg === undefined) return undefined; // ct set: not modelled
    const e: CtExpr = { type: 'ct', key: CT_KEYS.name(requireBe32(a, NFTA_CT.KEY, 'ct')), dreg };
    const dir = a.u8(NFTA_CT.DIRECTION);
    if (dir !== undefined) e.direction = dir === 0 ? 'original' : 'reply';
    return e;
  },
};
