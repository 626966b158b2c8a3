/** 802.1Q vlan: IFLA_VLAN_ID (u16); the lower device is IFLA_LINK. Needs the 8021q module. */
import type { AttrWriter } from '../../codec/attr.js';
import { IFLA_VLAN_ID } from '../consts.js';
import type { SpecOf } from './kind.js';

export function writeVlanData(spec: SpecOf<'vlan'>, data: AttrWriter): void {
  if (!Number.isInteger(spec.vlanId) || spec.vlanId < 0 || spec.vlanId > 4094) throw new TypeError(`invalid VLAN id ${spec.vlanId} (0-4094)`);
  data.u16(IFLA_VLAN_ID, spec.vlanId);
}
