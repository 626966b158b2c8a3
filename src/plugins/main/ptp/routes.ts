/**
 * The point-to-point routing of ptp. A veth cannot be IFF_POINTTOPOINT, so (as the reference) the
 * container keeps its address with the subnet's prefix but the automatic subnet route is replaced
 * by `<gw>/32 dev eth0 scope link src <ip>` and `<subnet> via <gw> dev eth0 src <ip>`: everything,
 * the neighbours included, goes through the gateway. The host end gets the gateway as /32 and a
 * route `<ip>/32 dev vethX` back to the container.
 */
import type { Link, Netlink } from '../../../netlink/index.js';
import { RT_SCOPE } from '../../../netlink/route/consts.js';
import type { IPConfig } from '../../../spec/types.js';
import { isExists } from '../../../netlink/index.js';
import { IpAddress, IpNet } from '../../../lib/ip/index.js';

export class PtpRouteError extends Error {
  override readonly name = 'PtpRouteError';
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

interface PtpAddress {
  ip: IpNet;
  gw: IpAddress;
}

/** Every address needs a gateway of its family: it is the other end of the link. */
export function ptpAddresses(ips: readonly IPConfig[]): PtpAddress[] {
  return ips.map((ipc) => {
    const ip = IpNet.parse(ipc.address);
    const gw = ipc.gateway ? IpAddress.tryParse(ipc.gateway) : undefined;
    if (!gw || gw.family !== ip.family) throw new PtpRouteError(`IPAM result for ${ipc.address} has no IPv${ip.family} gateway; ptp routes everything through it`);
    return { ip, gw };
  });
}

const hostPrefix = (a: IpAddress) => `${a}/${a.bits}`;

/** Inside the container. Equivalent to: `ip route del <subnet> dev $if; ip route add <gw>/32 dev $if scope link src <ip>; ip route add <subnet> via <gw> dev $if src <ip>`. */
export function routeContainerThroughGateway(nl: Netlink, cont: Link, addrs: readonly PtpAddress[]): void {
  for (const { ip, gw } of addrs) {
    const subnet = ip.masked().toString();
    try {
      nl.routeDel({ dst: subnet, index: cont.index, scope: RT_SCOPE.NOWHERE });
    } catch (err) {
      throw new PtpRouteError(`failed to delete route ${subnet} dev ${cont.name}: ${errText(err)}`, { cause: err });
    }
    const routes = [
      { dst: hostPrefix(gw), index: cont.index, scope: RT_SCOPE.LINK, src: ip.ip.toString() },
      { dst: subnet, index: cont.index, scope: RT_SCOPE.UNIVERSE, gw: gw.toString(), src: ip.ip.toString() },
    ];
    for (const r of routes) {
      try {
        nl.routeAdd(r);
      } catch (err) {
        throw new PtpRouteError(`failed to add route ${r.dst}${r.gw ? ` via ${r.gw}` : ''} dev ${cont.name} src ${r.src}: ${errText(err)}`, { cause: err });
      }
    }
  }
}

/** On the host end. Equivalent to: `ip addr add <gw>/32 dev vethX noprefixroute nodad; ip route add <ip>/32 dev vethX scope host`. */
export function routeHostToContainer(nl: Netlink, hostVeth: Link, addrs: readonly PtpAddress[]): void {
  for (const { ip, gw } of addrs) {
    try {
      // The same gateway sits on every host veth of the network: DAD on it means nothing.
      nl.addrAdd(hostVeth.index, hostPrefix(gw), { noPrefixRoute: true, ...(gw.family === 6 ? { noDad: true } : {}) });
    } catch (err) {
      throw new PtpRouteError(`failed to add IP addr ${hostPrefix(gw)} to veth: ${errText(err)}`, { cause: err });
    }
    try {
      nl.routeAdd({ dst: hostPrefix(ip.ip), index: hostVeth.index, scope: RT_SCOPE.HOST });
    } catch (err) {
      if (!isExists(err)) throw new PtpRouteError(`failed to add route on host: ${errText(err)}`, { cause: err });
    }
  }
}
