/**
 * CHECK helpers (the reference's ip.ValidateExpectedInterfaceIPs / ValidateExpectedRoute): the
 * addresses and routes a prevResult lists must be present in the container.
 */
import type { Netlink, RouteInfo } from '../../netlink/index.js';
import type { IPConfig, Route } from '../../spec/types.js';
import { IpAddress, IpNet } from '../ip/index.js';
import { InterfaceCheckError } from './errors.js';

const MAIN_TABLE = 254;

function sameNet(a: IpNet, b: IpNet): boolean {
  return a.prefix === b.prefix && a.ip.equals(b.ip);
}

/** Block (host bits cleared) as text, for comparing route destinations. */
function block(cidr: string): string {
  return IpNet.parse(cidr).masked().toString();
}

/** Every address is on `ifName`, and the main table routes its subnet somewhere. */
export function validateInterfaceIPs(nl: Netlink, ifName: string, ips: readonly IPConfig[]): void {
  const link = nl.linkByNameOrNull(ifName);
  if (!link) throw new InterfaceCheckError(`Cannot find container link ${ifName}`);
  const present = nl.addrList({ index: link.index }).map((a) => IpNet.parse(a.cidr));
  for (const ipc of ips) {
    const want = IpNet.parse(ipc.address);
    if (!present.some((p) => sameNet(p, want))) throw new InterfaceCheckError(`Failed to match addr ${ipc.address} on interface ${ifName}`);
    const subnet = want.masked().toString();
    const routes = nl.routeList({ family: want.family, table: MAIN_TABLE });
    if (!routes.some((r) => block(r.dst) === subnet)) {
      throw new InterfaceCheckError(`Failed to find Gateway ${ipc.gateway ?? '<nil>'} for interface ${ifName}`);
    }
  }
}

/** Every route is in its table (main unless given); a default route matches whatever its gateway. */
export function validateRoutes(nl: Netlink, routes: readonly Route[]): void {
  for (const route of routes) {
    const dst = IpNet.parse(route.dst);
    const wantDst = dst.masked().toString();
    const isDefault = dst.prefix === 0;
    const gw = route.gw && !isDefault ? IpAddress.parse(route.gw) : undefined;
    const table = route.table || MAIN_TABLE;
    const viaGw = (text: string | undefined) => text !== undefined && gw!.equals(IpAddress.tryParse(text));
    // A route appended beside another to the same destination may be one hop of a multipath route.
    const found = nl.routeList({ family: dst.family, table }).some((r: RouteInfo) => block(r.dst) === wantDst && (!gw || viaGw(r.gw) || (r.nexthops ?? []).some((h) => viaGw(h.gw))));
    if (!found) throw new InterfaceCheckError(`Expected Route {Dst:${route.dst} GW:${route.gw ?? '<nil>'}} not found in routing table`);
  }
}
