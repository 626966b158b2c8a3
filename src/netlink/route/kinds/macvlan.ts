/** macvlan: IFLA_MACVLAN_MODE (u32 bit value), optional broadcast queue length; the lower device is IFLA_LINK. */
import type { AttrWriter } from '../../codec/attr.js';
import { IFLA_MACVLAN_BC_QUEUE_LEN, IFLA_MACVLAN_MODE, MACVLAN_MODE } from '../consts.js';
import type { SpecOf } from './kind.js';

export function writeMacvlanData(spec: SpecOf<'macvlan'>, data: AttrWriter): void {
  const mode = MACVLAN_MODE[spec.mode];
  if (mode === undefined) throw new TypeError(`unknown macvlan mode "${spec.mode}"`);
  data.u32(IFLA_MACVLAN_MODE, mode);
  if (spec.bcQueueLen !== undefined) data.u32(IFLA_MACVLAN_BC_QUEUE_LEN, spec.bcQueueLen);
}
