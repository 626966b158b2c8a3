/**
 * vxlan: VNI, optional local/group address (v4 or v6 attribute by family), lower device,
 * learning flag and UDP destination port (big-endian). Without a port the kernel default (8472)
 * applies, as with iproute2.
 */
import type { AttrWriter } from '../../codec/attr.js';
import { parseIp } from '../../codec/ip.js';
import { IFLA_VXLAN } from '../consts.js';
import type { SpecOf } from './kind.js';

export function writeVxlanData(spec: SpecOf<'vxlan'>, data: AttrWriter): void {
  if (!Number.isInteger(spec.vni) || spec.vni < 0 || spec.vni > 0xffffff) throw new TypeError(`invalid VXLAN VNI ${spec.vni} (0-16777215)`);
  data.u32(IFLA_VXLAN.ID, spec.vni);
  if (spec.group) {
    const g = parseIp(spec.group);
    data.bytes(g.family === 4 ? IFLA_VXLAN.GROUP : IFLA_VXLAN.GROUP6, g.bytes);
  }
  if (spec.local) {
    const l = parseIp(spec.local);
    data.bytes(l.family === 4 ? IFLA_VXLAN.LOCAL : IFLA_VXLAN.LOCAL6, l.bytes);
  }
  if (spec.parentIndex !== undefined) data.u32(IFLA_VXLAN.LINK, spec.parentIndex);
  if (spec.learning !== undefined) data.u8(IFLA_VXLAN.LEARNING, spec.learning ? 1 : 0);
  if (spec.port !== undefined) data.u16be(IFLA_VXLAN.PORT, spec.port);
}
