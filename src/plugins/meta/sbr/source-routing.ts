/**
 * What sbr ADD does in the container's netns, as the reference's doRoutes: per address of the
 * interface, a rule "from ADDR lookup T" with T the first table from 100 up that no rule and no
 * route uses; a default route via the gateway (from `gateways`, else prevResult) in T; the main
 * table's routes of the interface copied into T (those whose source or gateway is in the
 * address's subnet, and those with neither); then those routes leave the main table (with
 * addSourceHints: only the gateway routes leave, and each subnet route stays with the address as
 * source hint). Every step registers its undo on the rollback stack.
 */
import { CniError, ErrorCode } from '../../../spec/errors.js';
import type { IPConfig } from '../../../spec/types.js';
import { RT_SCOPE, RT_TABLE, type Netlink, type RouteInfo, type RouteSpec } from '../../../netlink/index.js';
import { IpAddress, IpNet } from '../../../lib/ip/index.js';
import type { Rollback } from '../../../lib/rollback.js';
import type { SbrConf } from './config.js';

export const FIRST_TABLE = 100;

const failed = (msg: string, err: unknown) => new CniError(ErrorCode.Internal, `${msg}: ${(err as Error).message}`, undefined, { cause: err });

/** "10.1.0.5/24" -> the rule's source "10.1.0.5/32". */
export function hostPrefix(address: string): string {
  const net = IpNet.parse(address);
  return `${net.ip}/${net.bits}`;
}

function addRule(nl: Netlink, rb: Rollback, address: string, table: number): void {
  const src = hostPrefix(address);
  try {
    nl.ruleAdd({ src, table });
  } catch (err) {
    throw failed('Failed to add rule', err);
  }
  rb.defer(`rule from ${src}`, () => nl.ruleDel({ src, table }));
}

/** `table` given: only the source rules; the routes of that table are someone else's. */
export function addRulesToTable(nl: Netlink, rb: Rollback, ipCfgs: IPConfig[], table: number): void {
  for (const ipc of ipCfgs) addRule(nl, rb, ipc.address, table);
}

/** The first table id from `from` up that no rule points at and no route lives in. */
export function nextFreeTable(used: ReadonlySet<number>, from: number): number {
  let t = from;
  while (used.has(t)) t++;
  return t;
}

/** A listed route as a request that recreates it (flags such as "cloned" left behind). */
function specOf(r: RouteInfo, table: number): RouteSpec {
  const { family: _family, ...spec } = r;
  return { ...spec, table };
}

/** Route r belongs to the address: its source or gateway is in the subnet, or it has neither. */
function belongsTo(r: RouteInfo, subnet: IpNet): boolean {
  if (!r.src && !r.gw) return true;
  return [r.src, r.gw].some((a) => a !== undefined && subnet.contains(IpAddress.parse(a)));
}

export function moveRoutesToTables(nl: Netlink, rb: Rollback, ipCfgs: IPConfig[], ifName: string, settings: SbrConf['settings']): void {
  const rules = nl.ruleList();
  const allRoutes = nl.routeList({ table: 0 });
  const used = new Set([...rules.map((r) => r.table), ...allRoutes.map((r) => r.table)]);
  const link = nl.linkByNameOrNull(ifName);
  if (!link) throw new CniError(ErrorCode.Internal, `Cannot find network interface ${ifName}: link not found`);
  const linkRoutes = nl.routeList({ index: link.index });

  let table = nextFreeTable(used, FIRST_TABLE);
  for (const ipc of ipCfgs) {
    addRule(nl, rb, ipc.address, table);
    const subnet = IpNet.parse(ipc.address);
    const t = table;
    rb.defer(`flush table ${t}`, () => {
      for (const r of nl.routeList({ table: t, index: link.index })) nl.routeDel(specOf(r, t));
    });
    const gw = (subnet.family === 4 ? settings.gatewayV4 : settings.gatewayV6) ?? ipc.gateway;
    if (gw) {
      const dst = subnet.family === 4 ? '0.0.0.0/0' : '::/0';
      try {
        nl.routeAdd({ dst, gw, index: link.index, table: t });
      } catch (err) {
        throw failed(`Failed to add default route to ${gw}`, err);
      }
    }
    for (const r of linkRoutes) {
      if (!belongsTo(r, subnet)) continue;
      try {
        // Replace: the default route added above may be among them.
        nl.routeReplace(specOf(r, t));
      } catch (err) {
        throw failed('Failed to readd route', err);
      }
    }
    table = nextFreeTable(used, table + 1);
  }

  if (settings.addSourceHints) {
    for (const ipc of ipCfgs) {
      const subnet = IpNet.parse(ipc.address);
      const spec: RouteSpec = { dst: subnet.masked().toString(), src: subnet.ip.toString(), index: link.index, table: RT_TABLE.MAIN, scope: RT_SCOPE.LINK };
      nl.routeReplace(spec);
    }
  }
  for (const r of linkRoutes) {
    // With source hints the subnet (link-scope) routes stay in the main table.
    if (settings.addSourceHints && r.scope === RT_SCOPE.LINK) continue;
    const spec = specOf(r, RT_TABLE.MAIN);
    try {
      nl.routeDel(spec);
    } catch (err) {
      throw failed('Failed to delete route', err);
    }
    rb.defer(`route ${r.dst} back to main`, () => nl.routeReplace(spec));
  }
}
