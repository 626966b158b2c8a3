/**
 * Apply a result to one interface inside the container (the reference's ipam.ConfigureIface):
 * addresses whose `interface` points at it, IPv6 enabled first when needed, link up, DAD waited for
 * when there is an IPv6 gateway, then the routes (a route without gw goes via its family's first
 * gateway; mtu, advmss, priority, table and scope are honoured). Routes are appended beside any
 * route to the same destination through another gateway or device (a second network's default).
 */
import type { Link } from '../../netlink/index.js';
import type { Logger } from '../../log/logger.js';
import type { IPConfig, Result, Route } from '../../spec/types.js';
import { IpAddress, IpNet, type IpFamily } from '../ip/index.js';
import { InterfaceConfigError } from './errors.js';
import { enableIpv6 } from './ipv6.js';
import type { Sandbox } from './sandbox.js';
import { settleAddresses } from './settle.js';

export interface ConfigureOptions {
  log?: Logger;
  /** Override the DAD wait (tests). */
  dadTimeoutMs?: number;
}

type Gateways = Partial<Record<IpFamily, string>>;

export async function configureInterface(sb: Sandbox, ifName: string, result: Result, opts: ConfigureOptions = {}): Promise<void> {
  const interfaces = result.interfaces ?? [];
  if (interfaces.length === 0) throw new InterfaceConfigError('no interfaces to configure');
  const link = lookup(sb, ifName);
  const gateways = addAddresses(sb, link, result, opts.log);
  try {
    sb.nl.linkSetUp(link.index);
  } catch (err) {
    throw new InterfaceConfigError(`failed to set "${ifName}" UP: ${(err as Error).message}`, { cause: err });
  }
  if (gateways[6]) await settleAddresses(sb.nl, { index: link.index, ifName, timeoutMs: opts.dadTimeoutMs });
  for (const route of result.routes ?? []) addRoute(sb, link, route, gateways);
}

function lookup(sb: Sandbox, ifName: string): Link {
  try {
    return sb.nl.linkByName(ifName);
  } catch (err) {
    throw new InterfaceConfigError(`failed to lookup "${ifName}": ${(err as Error).message}`, { cause: err });
  }
}

/** Adds the addresses meant for this link; returns the first gateway of each family. */
function addAddresses(sb: Sandbox, link: Link, result: Result, log?: Logger): Gateways {
  const interfaces = result.interfaces ?? [];
  const gateways: Gateways = {};
  let ipv6Enabled = false;
  for (const ipc of result.ips ?? []) {
    if (ipc.interface === undefined) continue;
    if (ipc.interface < 0 || ipc.interface >= interfaces.length || interfaces[ipc.interface]!.name !== link.name) {
      throw new InterfaceConfigError(`failed to add IP addr ${describe(ipc)} to "${link.name}": invalid interface index`);
    }
    const net = IpNet.parse(ipc.address);
    if (net.family === 6 && !ipv6Enabled) {
      enableIpv6(sb, link.name, log);
      ipv6Enabled = true;
    }
    try {
      sb.nl.addrAdd(link.index, ipc.address);
    } catch (err) {
      throw new InterfaceConfigError(`failed to add IP addr ${describe(ipc)} to "${link.name}": ${(err as Error).message}`, { cause: err });
    }
    const gw = ipc.gateway ? IpAddress.tryParse(ipc.gateway) : undefined;
    if (gw && !gateways[gw.family]) gateways[gw.family] = gw.toString();
  }
  return gateways;
}

function addRoute(sb: Sandbox, link: Link, route: Route, gateways: Gateways): void {
  const dst = IpNet.parse(route.dst);
  const gw = route.gw || gateways[dst.family];
  try {
    // Appended, as the reference's RouteAddEcmp: a container on two networks gets a default route
    // from each (the kernel picks), instead of failing the second ADD with EEXIST.
    sb.nl.routeAppend({
      dst: route.dst,
      index: link.index,
      ...(gw ? { gw } : {}),
      ...(route.priority ? { priority: route.priority } : {}),
      ...(route.table ? { table: route.table } : {}),
      ...(route.scope !== undefined ? { scope: route.scope } : {}),
      ...(route.mtu ? { mtu: route.mtu } : {}),
      ...(route.advmss ? { advmss: route.advmss } : {}),
    });
  } catch (err) {
    throw new InterfaceConfigError(`failed to add route '${route.dst} via ${gw ?? '<nil>'} dev ${link.name}': ${(err as Error).message}`, { cause: err });
  }
}

function describe(ipc: IPConfig): string {
  return ipc.gateway ? `${ipc.address} gw ${ipc.gateway}` : ipc.address;
}
