/** What one ADD or CHECK forwards, per address family, and what the backends share. */
import type { IpFamily } from '../../../netlink/codec/ip.js';
import type { PortmapSettings } from './config.js';
import type { ContainerAddress } from './container-ips.js';
import { mappingsFor, type PortMapping } from './mappings.js';

export interface ForwardTarget {
  family: IpFamily;
  address: ContainerAddress;
  /** The mappings of this family (hostIP of the other family left out); never empty. */
  mappings: PortMapping[];
}

/** The attachment the rules belong to. */
export interface Owner {
  network: string;
  containerId: string;
}

/** One target per container address that has mappings of its family. */
export function forwardTargets(addresses: readonly ContainerAddress[], mappings: readonly PortMapping[]): ForwardTarget[] {
  return addresses.flatMap((address) => {
    const own = mappingsFor(address.family, mappings);
    return own.length ? [{ family: address.family, address, mappings: own }] : [];
  });
}

/** A backend: sets up, checks and removes the forwarding of one attachment; GC sweeps leftovers. */
export interface PortMapper {
  forward(owner: Owner, settings: PortmapSettings, targets: readonly ForwardTarget[]): void;
  check(owner: Owner, settings: PortmapSettings, targets: readonly ForwardTarget[]): void;
  /** Idempotent: nothing to remove is success. */
  unforward(owner: Owner): void;
  /** Remove what belongs to attachments of `network` whose container is not in `keep`. */
  gc(network: string, keep: ReadonlySet<string>): void;
}
