/** vrf: IFLA_VRF_TABLE (u32), the routing table of the L3 domain. Needs the vrf module. */
import type { AttrWriter } from '../../codec/attr.js';
import { IFLA_VRF_TABLE } from '../consts.js';
import type { SpecOf } from './kind.js';

export function writeVrfData(spec: SpecOf<'vrf'>, data: AttrWriter): void {
  if (!Number.isInteger(spec.table) || spec.table < 1 || spec.table > 0xffffffff) throw new TypeError(`invalid VRF table ${spec.table} (1-4294967295)`);
  data.u32(IFLA_VRF_TABLE, spec.table);
}
