/**
 * CHECK helpers (the reference's ip.ValidateExpectedInterfaceIPs / ValidateExpectedRoute): the
 * addresses and routes a prevResult lists must be present in the container. Routes are looked
 * for in the main table and, when the interface is in a VRF (the vrf plugin chained after), in
 * the VRF's table, where that plugin moved them (the reference's CHECK fails on such chains).
 */
import type { Link, Netlink, RouteInfo } from '../../netlink/index.js';
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

/** The routing table of the link's VRF; main when it is in none. */
function l3Table(nl: Netlink, link: Link): number {
  return link.masterIndex ? (nl.linkByIndex(link.masterIndex).vrf?.table ?? MAIN_TABLE) : MAIN_TABLE;
}

/** The tables of the namespace's VRFs. */
function vrfTables(nl: Netlink): number[] {
  return nl.linkList().flatMap((l) => (l.vrf ? [l.vrf.table] : []));
}

/** Every address is on `ifName`, and its routing table (main, or its VRF's) routes its subnet somewhere. */
export function validateInterfaceIPs(nl: Netlink, ifName: string, ips: readonly IPConfig[]): void {
  const link = nl.linkByNameOrNull(ifName);
  if (!link) throw new InterfaceCheckError(`Cannot find container link ${ifName}`);
  const present = nl.addrList({ index: link.index }).map((a) => IpNet.parse(a.cidr));
  for (const ipc of ips) {
    const want = IpNet.parse(ipc.address);
    if (!present.some((p) => sameNet(p, want))) throw new InterfaceCheckError(`Failed to match addr ${ipc.address} on interface ${ifName}`);
    const subnet = want.masked().toString();
    const routes = nl.routeList({ family: want.family, table: l3Table(nl, link) });
    if (!routes.some((r) => block(r.dst) === subnet)) {
      throw new InterfaceCheckError(`Failed to find Gateway ${ipc.gateway ?? '<nil>'} for interface ${ifName}`);
    }
  }
}

/** Every route is in its table (main or a VRF's unless given); a default route matches whatever its gateway. */
export function validateRoutes(nl: Netlink, routes: readonly Route[]): void {
  let tables: number[] | undefined;
  for (const route of routes) {
    const dst = IpNet.parse(route.dst);
    const wantDst = dst.masked().toString();
    const isDefault = dst.prefix === 0;
    const gw = route.gw && !isDefault ? IpAddress.parse(route.gw) : undefined;
    const viaGw = (text: string | undefined) => text !== undefined && gw!.equals(IpAddress.tryParse(text));
    // A route appended beside another to the same destination may be one hop of a multipath route.
    const matches = (r: RouteInfo) => block(r.dst) === wantDst && (!gw || viaGw(r.gw) || (r.nexthops ?? []).some((h) => viaGw(h.gw)));
    const inTable = (table: number) => nl.routeList({ family: dst.family, table }).some(matches);
    const found = route.table ? inTable(route.table) : inTable(MAIN_TABLE) || (tables ??= vrfTables(nl)).some(inTable);
    if (!found) throw new InterfaceCheckError(`Expected Route {Dst:${route.dst} GW:${route.gw ?? '<nil>'}} not found in routing table`);
  }
}
