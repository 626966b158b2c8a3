/**
 * bridge's config: every key of the reference with its default, validated once for all verbs
 * (ipMasqBackend's value is checked by ADD when ipMasq is on, as the reference does).
 */
import type { NetConf } from '../../../spec/types.js';
import { invalidConfig } from '../../../spec/errors.js';
import { optBool, optInt, optString, optValue } from '../../../lib/config-fields.js';
import { ipamTypeOf } from '../../../lib/ipam-section.js';
import { requestedMac } from '../../../lib/container-mac.js';
import { collectVlanTrunk } from './vlan-trunk.js';

export const DEFAULT_BRIDGE = 'cni0';
const MAX_VLAN = 4094;
const IFNAME_RE = /^[^/:\s]{1,15}$/;

export interface BridgeSettings {
  /** Bridge device name ("bridge", default cni0). */
  bridge: string;
  /** Put the gateway address on the bridge; true when isDefaultGateway is. */
  isGateway: boolean;
  isDefaultGateway: boolean;
  forceAddress: boolean;
  ipMasq: boolean;
  ipMasqBackend?: string;
  /** 0: kernel default. */
  mtu: number;
  hairpinMode: boolean;
  promiscMode: boolean;
  /** Access VLAN (pvid, untagged) of the port; 0 for none. */
  vlan: number;
  /** Trunk VLANs (tagged) of the port, sorted. */
  trunkVlans: number[];
  /** Whether the bridge needs vlan_filtering (vlan set or vlanTrunk given, even empty). */
  vlanFiltering: boolean;
  preserveDefaultVlan: boolean;
  macspoofchk: boolean;
  enabledad: boolean;
  disableContainerInterface: boolean;
  portIsolation: boolean;
  /** Container MAC after CNI_ARGS / args / runtimeConfig precedence. */
  mac?: string;
  /** IPAM plugin type; '' means L2 only. */
  ipamType: string;
}

export interface BridgeConf extends NetConf {
  settings: BridgeSettings;
}

function bridgeName(raw: NetConf): string {
  const name = optString(raw, 'bridge') || DEFAULT_BRIDGE;
  if (!IFNAME_RE.test(name) || name === '.' || name === '..') throw invalidConfig(`invalid bridge name ${JSON.stringify(name)}`);
  return name;
}

export function parseBridgeConfig(raw: NetConf, cniArgs: string): BridgeConf {
  const vlan = optInt(raw, 'vlan', 0);
  if (vlan < 0 || vlan > MAX_VLAN) throw invalidConfig(`invalid VLAN ID ${vlan} (must be between 0 and ${MAX_VLAN})`);
  const trunk = optValue(raw, 'vlanTrunk');
  const trunkGiven = trunk !== undefined;
  const trunkVlans = trunkGiven ? collectVlanTrunk(trunk) : [];
  // Only access ports (untagged) or trunk ports (tagged) are supported, not both.
  if (vlan > 0 && trunkVlans.length > 0) throw invalidConfig('cannot set vlan and vlanTrunk at the same time');
  const mtu = optInt(raw, 'mtu', 0);
  if (mtu < 0) throw invalidConfig(`invalid MTU ${mtu}`);
  const isDefaultGateway = optBool(raw, 'isDefaultGateway', false);
  const settings: BridgeSettings = {
    bridge: bridgeName(raw),
    isGateway: optBool(raw, 'isGateway', false) || isDefaultGateway,
    isDefaultGateway,
    forceAddress: optBool(raw, 'forceAddress', false),
    ipMasq: optBool(raw, 'ipMasq', false),
    ipMasqBackend: optString(raw, 'ipMasqBackend'),
    mtu,
    hairpinMode: optBool(raw, 'hairpinMode', false),
    promiscMode: optBool(raw, 'promiscMode', false),
    vlan,
    trunkVlans,
    vlanFiltering: vlan !== 0 || trunkGiven,
    preserveDefaultVlan: optBool(raw, 'preserveDefaultVlan', true),
    macspoofchk: optBool(raw, 'macspoofchk', false),
    enabledad: optBool(raw, 'enabledad', false),
    disableContainerInterface: optBool(raw, 'disableContainerInterface', false),
    portIsolation: optBool(raw, 'portIsolation', false),
    mac: requestedMac(raw, cniArgs),
    ipamType: ipamTypeOf(raw),
  };
  return { ...raw, settings };
}
