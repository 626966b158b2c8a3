/** Small questions plugins ask of a Result or config while configuring interfaces. */
import type { DNS, IPConfig } from '../../spec/types.js';
import { IpNet, type IpFamily } from '../ip/index.js';

/** Whether a config's `dns` says anything (then it replaces the IPAM plugin's, as the reference). */
export function hasDnsSettings(dns: DNS | undefined): dns is DNS {
  if (!dns) return false;
  return dns.nameservers != null || dns.search != null || dns.options != null || !!dns.domain;
}

/** The address families present in `ips`, IPv4 first. */
export function ipFamilies(ips: readonly IPConfig[]): IpFamily[] {
  const families = new Set(ips.map((ipc) => IpNet.parse(ipc.address).family));
  return ([4, 6] as const).filter((f) => families.has(f));
}
