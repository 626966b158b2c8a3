/** veth: the peer travels in VETH_INFO_PEER as an ifinfomsg followed by its own IFLA_* attributes. */
import { AttrWriter } from '../../codec/attr.js';
import { parseMac } from '../../codec/mac.js';
import { encodeIfInfoMsg } from '../../codec/structs.js';
import { IFLA, VETH_INFO_PEER } from '../consts.js';
import { assertLinkName } from '../link.js';
import type { SpecOf } from './kind.js';

export function writeVethData(spec: SpecOf<'veth'>, data: AttrWriter): void {
  const { peer } = spec;
  assertLinkName(peer.name);
  const attrs = new AttrWriter().string(IFLA.IFNAME, peer.name);
  // Like Go's netlink: the peer gets the link's MTU unless it has its own.
  const mtu = peer.mtu ?? spec.mtu;
  if (mtu !== undefined) attrs.u32(IFLA.MTU, mtu);
  if (peer.mac) attrs.bytes(IFLA.ADDRESS, parseMac(peer.mac));
  if (peer.nsFd !== undefined) attrs.u32(IFLA.NET_NS_FD, peer.nsFd);
  // Not a pure attribute nest (it starts with a struct), so no NLA_F_NESTED, as iproute2 sends it.
  data.attr(VETH_INFO_PEER, Buffer.concat([encodeIfInfoMsg(), attrs.toBuffer()]));
}
