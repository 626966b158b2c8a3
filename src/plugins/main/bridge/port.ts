/**
 * Make the host end of a veth a port of the bridge: enslave it, set hairpin and isolation, and its
 * VLANs (an access VLAN is pvid + untagged; trunk VLANs are tagged; with preserveDefaultVlan false
 * the default VLAN 1 is removed from the port first).
 */
import type { Link, Netlink } from '../../../netlink/index.js';
import { BridgePortError } from './errors.js';
import { vlanRuns } from './vlan-trunk.js';

export interface PortOptions {
  hairpin: boolean;
  isolated: boolean;
  /** Access VLAN; 0 for none. */
  vlan: number;
  trunkVlans: readonly number[];
  preserveDefaultVlan: boolean;
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

function step(what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    throw new BridgePortError(`${what}: ${errText(err)}`, { cause: err });
  }
}

/** Equivalent to: `ip link set $port master $br; bridge link set dev $port hairpin on|off [isolated on]; bridge vlan ...`. */
export function attachPort(nl: Netlink, port: Link, br: Link, opts: PortOptions): void {
  const name = JSON.stringify(port.name);
  step(`failed to connect ${name} to bridge ${br.name}`, () => nl.linkSetMaster(port.index, br.index));
  step(`failed to setup hairpin mode for ${port.name}`, () => nl.bridgePortSet(port.index, { hairpin: opts.hairpin }));
  if (opts.isolated) step(`failed to set isolated on ${port.name}`, () => nl.bridgePortSet(port.index, { isolated: true }));
  const usesVlans = opts.vlan !== 0 || opts.trunkVlans.length > 0;
  if (usesVlans && !opts.preserveDefaultVlan) step(`failed to remove default vlan on interface ${name}`, () => removePortVlans(nl, port.index));
  if (opts.vlan !== 0) step(`failed to setup vlan tag on interface ${name}`, () => nl.bridgeVlanAdd(port.index, opts.vlan, { pvid: true, untagged: true }));
  for (const [first, last] of vlanRuns(opts.trunkVlans)) {
    step(`failed to setup vlan tag on interface ${name}`, () => nl.bridgeVlanAdd(port.index, first, first === last ? {} : { range: [first, last] }));
  }
}

/** Drop every VLAN the port has (at this point only the bridge's default one). */
function removePortVlans(nl: Netlink, index: number): void {
  for (const v of nl.bridgeVlanList(index)) nl.bridgeVlanDel(index, v.vid);
}
