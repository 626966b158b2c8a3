/** ipvlan: IFLA_IPVLAN_MODE (u16); the lower device is IFLA_LINK. Not built into every kernel. */
import type { AttrWriter } from '../../codec/attr.js';
import { IFLA_IPVLAN_MODE, IPVLAN_MODE } from '../consts.js';
import type { SpecOf } from './kind.js';

export function writeIpvlanData(spec: SpecOf<'ipvlan'>, data: AttrWriter): void {
  const mode = IPVLAN_MODE[spec.mode];
  if (mode === undefined) throw new TypeError(`unknown ipvlan mode "${spec.mode}"`);
  data.u16(IFLA_IPVLAN_MODE, mode);
}
