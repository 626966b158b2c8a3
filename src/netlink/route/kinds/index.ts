/** One IFLA_INFO_DATA writer per link kind; kinds without data (ifb, dummy) have none. */
import type { LinkKind } from '../types.js';
import type { WriteKindData } from './kind.js';
import { writeBridgeData } from './bridge.js';
import { writeIpvlanData } from './ipvlan.js';
import { writeMacvlanData } from './macvlan.js';
import { writeVethData } from './veth.js';
import { writeVlanData } from './vlan.js';
import { writeVrfData } from './vrf.js';
import { writeVxlanData } from './vxlan.js';

export const KIND_DATA: { [K in LinkKind]: WriteKindData<K> | null } = {
  veth: writeVethData,
  bridge: writeBridgeData,
  macvlan: writeMacvlanData,
  vxlan: writeVxlanData,
  ipvlan: writeIpvlanData,
  vlan: writeVlanData,
  vrf: writeVrfData,
  ifb: null,
  dummy: null,
};

export type { SpecOf } from './kind.js';
