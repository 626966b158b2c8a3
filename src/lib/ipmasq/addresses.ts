/** The container addresses of a request, parsed and grouped by family. */
import { IpNet } from '../ip/index.js';
import type { IpFamily } from '../ip/index.js';
import { IpMasqError } from './errors.js';

export interface MasqAddress {
  family: IpFamily;
  /** The container's address alone ("10.1.0.5", "fd00::5"). */
  ip: string;
  /** Its subnet with host bits cleared ("10.1.0.0/24"). */
  subnet: string;
}

export function parseAddresses(ips: readonly { address: string }[]): MasqAddress[] {
  return ips.map(({ address }) => {
    const net = IpNet.tryParse(address);
    if (!net) throw new IpMasqError(`ipMasq: invalid container address ${JSON.stringify(address)} (want address/prefix)`);
    return { family: net.family, ip: net.ip.toString(), subnet: net.masked().toString() };
  });
}

export function byFamily(addrs: readonly MasqAddress[]): Map<IpFamily, MasqAddress[]> {
  const out = new Map<IpFamily, MasqAddress[]>();
  for (const a of addrs) out.set(a.family, [...(out.get(a.family) ?? []), a]);
  return out;
}
