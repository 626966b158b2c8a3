/**
 * The container addresses to forward to: the first IPv4 and the first IPv6 address of prevResult
 * that is on the sandbox interface CNI_IFNAME. Addresses whose `interface` points at another or
 * a host-side interface are skipped; addresses without a usable index are taken (IPAM-style
 * results), as the reference does.
 */
import { formatCidr, formatIp, maskCidr, parseCidr, type IpFamily } from '../../../netlink/codec/ip.js';
import type { Result } from '../../../spec/types.js';

export interface ContainerAddress {
  family: IpFamily;
  /** "10.88.0.5" */
  ip: string;
  /** The address's network as iptables-save prints a source match: "10.88.0.0/16". */
  network: string;
}

export function containerAddresses(result: Result, ifName: string): ContainerAddress[] {
  const byFamily = new Map<IpFamily, ContainerAddress>();
  const interfaces = result.interfaces ?? [];
  for (const ip of result.ips ?? []) {
    const idx = ip.interface;
    if (idx !== undefined && idx >= 0 && idx < interfaces.length) {
      const iface = interfaces[idx]!;
      if (iface.name !== ifName || !iface.sandbox) continue;
    }
    let c;
    try {
      c = parseCidr(ip.address);
    } catch {
      continue; // skel already validated prevResult; be lenient with what we do not use
    }
    if (byFamily.has(c.family)) continue;
    byFamily.set(c.family, { family: c.family, ip: formatIp(c.bytes), network: formatCidr(maskCidr(c)) });
  }
  return [4, 6].flatMap((f) => byFamily.get(f as IpFamily) ?? []);
}
