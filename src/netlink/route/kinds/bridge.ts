/** bridge: optional IFLA_BR_VLAN_FILTERING at creation (`ip link add br0 type bridge vlan_filtering 1`). */
import type { AttrWriter } from '../../codec/attr.js';
import { IFLA_BR } from '../consts.js';
import type { SpecOf } from './kind.js';

export function writeBridgeData(spec: SpecOf<'bridge'>, data: AttrWriter): void {
  if (spec.vlanFiltering !== undefined) data.u8(IFLA_BR.VLAN_FILTERING, spec.vlanFiltering ? 1 : 0);
}
