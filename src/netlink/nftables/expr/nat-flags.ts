/** NF_NAT_RANGE_* flags shared by nat and masq, in nft's printing order. */
import { NF_NAT_RANGE } from '../consts.js';
import { FlagNames } from './codec.js';
import type { NatFlag } from './types.js';

export const NAT_FLAGS = new FlagNames<NatFlag>('nat', [
  ['map-ips', NF_NAT_RANGE.MAP_IPS],
  ['proto-specified', NF_NAT_RANGE.PROTO_SPECIFIED],
  ['random', NF_NAT_RANGE.PROTO_RANDOM],
  ['fully-random', NF_NAT_RANGE.PROTO_RANDOM_FULLY],
  ['persistent', NF_NAT_RANGE.PERSISTENT],
  ['proto-offset', NF_NAT_RANGE.PROTO_OFFSET],
  ['netmap', NF_NAT_RANGE.NETMAP],
]);
