/**
 * Move a link into or out of a VRF without losing its layer-3 setup. Changing the L3 master
 * cycles the link down and up: the kernel then re-makes the IPv4 prefix routes in the new table,
 * but drops the routes someone added (gateway and host routes) and, unless keep_addr_on_down,
 * the IPv6 addresses. Those are saved first and put back: the routes into the new table (the
 * reference does this for scope-universe routes only, which loses e.g. ptp's scope-link route
 * to its gateway and with it the default route through it), the addresses with nodad (they
 * passed DAD on this very link moments ago).
 */
import { isExists, RT_SCOPE, RTPROT, type Addr, type Link, type Netlink, type RouteInfo } from '../../../netlink/index.js';

export interface L3Target {
  /** The new master's ifindex; 0 for none. */
  masterIndex: number;
  /** Where the link's routes live before and after. */
  fromTable: number;
  toTable: number;
}

interface Saved {
  v6: Addr[];
  routes: RouteInfo[];
}

function save(nl: Netlink, link: Link, fromTable: number): Saved {
  // Link-local addresses and the kernel's own routes come back by themselves.
  const v6 = nl.addrList({ index: link.index, family: 6 }).filter((a) => a.scope !== RT_SCOPE.LINK);
  const routes = nl.routeList({ table: fromTable, index: link.index }).filter((r) => r.protocol !== RTPROT.KERNEL);
  // Narrow scopes first: a host route to a gateway must exist before routes through it.
  routes.sort((a, b) => b.scope - a.scope);
  return { v6, routes };
}

function restore(nl: Netlink, link: Link, saved: Saved, toTable: number): void {
  const now = new Set(nl.addrList({ index: link.index, family: 6 }).map((a) => a.cidr));
  for (const a of saved.v6) {
    if (now.has(a.cidr)) continue;
    try {
      nl.addrAdd(link.index, a.cidr, { noDad: true });
    } catch (err) {
      if (!isExists(err)) throw new Error(`could not restore address ${a.cidr} to ${link.name}: ${(err as Error).message}`, { cause: err });
    }
  }
  for (const r of saved.routes) {
    const { family: _family, ...spec } = r;
    try {
      nl.routeAdd({ ...spec, table: toTable });
    } catch (err) {
      if (!isExists(err)) throw new Error(`could not add route '${r.dst}${r.gw ? ` via ${r.gw}` : ''}' to table ${toTable}: ${(err as Error).message}`, { cause: err });
    }
  }
}

// Equivalent to: `ip link set LINK master VRF` (or `nomaster`), then re-adding what was dropped.
export function changeL3Master(nl: Netlink, link: Link, target: L3Target): void {
  const saved = save(nl, link, target.fromTable);
  nl.linkSetMaster(link.index, target.masterIndex);
  restore(nl, link, saved, target.toTable);
}
