/** meta: load a packet property (`meta load iifname => reg 1`) or set one (`meta set mark with reg 1`). */
import { NetlinkDecodeError } from '../../errors.js';
import { be32 } from '../message.js';
import { EnumNames, requireBe32, type ExprCodec } from './codec.js';
import type { MetaExpr, MetaKey } from './types.js';

const NFTA_META = { DREG: 1, KEY: 2, SREG: 3 } as const;

/** enum nft_meta_keys, by value. */
export const META_KEYS = new EnumNames<MetaKey>('meta key', [
  'len', 'protocol', 'priority', 'mark', 'iif', 'oif', 'iifname', 'oifname', 'iiftype', 'oiftype',
  'skuid', 'skgid', 'nftrace', 'rtclassid', 'secmark', 'nfproto', 'l4proto', 'bri_iifname', 'bri_oifname',
  'pkttype', 'cpu', 'iifgroup', 'oifgroup', 'cgroup', 'prandom',
]);

export const metaCodec: ExprCodec<MetaExpr> = {
  kernelName: 'meta',
  encode(e, w) {
    w.u32be(NFTA_META.KEY, META_KEYS.value(e.key));
    if ('sreg' in e) w.u32be(NFTA_META.SREG, e.sreg);
    else w.u32be(NFTA_META.DREG, e.dreg);
  },
  decode(a) {
    const key = META_KEYS.name(requireBe32(a, NFTA_META.KEY, 'meta'));
    const dreg = be32(a, NFTA_META.DREG);
    if (dreg !== undefined) return { type: 'meta', key, dreg };
    const sreg = be32(a, NFTA_META.SREG);
    if (sreg !== undefined) return { type: 'meta', key, sreg };
    throw new NetlinkDecodeError('meta: neither dreg nor sreg');
  },
};
