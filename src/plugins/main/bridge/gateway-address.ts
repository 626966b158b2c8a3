/**
 * Put a gateway address on the bridge (or its VLAN interface), the reference's ensureAddr: an
 * address already there is fine (also when a concurrent ADD just added it); another IPv4 address,
 * or an overlapping IPv6 one, is replaced with forceAddress and an error without. Afterwards the
 * bridge's MAC is pinned to itself, so it stops following the lowest port MAC as ports churn.
 * The MAC pinned is the one `link` had when read before our port was attached; but a bridge whose
 * ports all left has 00:00:00:00:00:00, which the kernel refuses (the reference then fails with
 * "could not set bridge's mac", containernetworking/plugins#620): then the MAC it has now is used.
 */
import { isExists, type Link, type Netlink } from '../../../netlink/index.js';
import { IpNet, type IpFamily } from '../../../lib/ip/index.js';
import { GatewayAddressError } from './errors.js';

const ZERO_MAC = '00:00:00:00:00:00';
const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function ensureGatewayAddress(nl: Netlink, link: Link, family: IpFamily, gw: IpNet, forceAddress: boolean): void {
  for (const a of nl.addrList({ family, index: link.index })) {
    const have = IpNet.parse(a.cidr);
    if (have.prefix === gw.prefix && have.ip.equals(gw.ip)) return;
    // Several IPv6 subnets may share the bridge when they do not overlap; IPv4 gets one address.
    if (family === 4 || have.contains(gw.ip) || gw.contains(have.ip)) {
      if (!forceAddress) throw new GatewayAddressError(`${JSON.stringify(link.name)} already has an IP address different from ${gw}`);
      try {
        nl.addrDel(link.index, a.cidr);
      } catch (err) {
        throw new GatewayAddressError(`could not remove IP address from ${JSON.stringify(link.name)}: ${errText(err)}`, { cause: err });
      }
    }
  }
  try {
    nl.addrAdd(link.index, gw.toString());
  } catch (err) {
    if (!isExists(err)) throw new GatewayAddressError(`could not add IP address to ${JSON.stringify(link.name)}: ${errText(err)}`, { cause: err });
  }
  const usable = (mac: string) => mac !== '' && mac !== ZERO_MAC;
  const mac = usable(link.mac) ? link.mac : nl.linkByIndex(link.index).mac;
  if (!usable(mac)) return;
  try {
    nl.linkSetMac(link.index, mac);
  } catch (err) {
    throw new GatewayAddressError(`could not set bridge's mac: ${errText(err)}`, { cause: err });
  }
}
