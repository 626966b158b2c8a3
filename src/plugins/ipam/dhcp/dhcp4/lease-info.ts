/**
 * What an ACK means for the container: address and prefix, router, routes, DNS and the three lease
 * times, and the CNI result built from them. Pure functions, unit tested on built messages.
 */
import type { DNS, Result, Route } from '../../../../spec/types.js';
import { type Dhcp4Message, Opt } from './message.js';
import { decodeClasslessRoutes, decodeDomainSearch, decodeStaticRoutes, maskToPrefix, readIp, readIpList, readText, readU32, type StaticRoute } from './options.js';

export class LeaseError extends Error {
  override name = 'LeaseError';
}

export interface LeaseInfo {
  address: string;
  prefix: number;
  serverId: string;
  routers: string[];
  /** Option 121 routes when the server sent any, else option 33's (RFC 3442: 121 replaces 3 and 33). */
  classless: boolean;
  staticRoutes: StaticRoute[];
  dns: DNS;
  /** Seconds. */
  leaseTime: number;
  renewalTime: number;
  rebindingTime: number;
}

export function leaseFromAck(ack: Dhcp4Message, fallbackServer?: string): LeaseInfo {
  const o = ack.options;
  const prefix = maskToPrefix(o.get(Opt.SUBNET_MASK));
  if (prefix === undefined) throw new LeaseError('DHCP option Subnet Mask not found in DHCPACK');
  const serverId = readIp(o.get(Opt.SERVER_ID)) ?? fallbackServer;
  if (!serverId) throw new LeaseError('DHCP option Server Identifier not found in DHCPACK');
  const leaseTime = readU32(o.get(Opt.LEASE_TIME));
  if (leaseTime === undefined) throw new LeaseError('DHCP option IP Address Lease Time not found in DHCPACK');
  // RFC 2131 4.4.5: T2 defaults to 87.5% (the reference uses 85%) and T1 to 50% of the lease.
  let rebindingTime = readU32(o.get(Opt.REBINDING_TIME));
  if (rebindingTime === undefined || rebindingTime > leaseTime) rebindingTime = Math.floor((leaseTime * 85) / 100);
  let renewalTime = readU32(o.get(Opt.RENEWAL_TIME));
  if (renewalTime === undefined || renewalTime > rebindingTime) renewalTime = Math.floor(leaseTime / 2);
  const classlessRoutes = decodeClasslessRoutes(o.get(Opt.CLASSLESS_ROUTES));
  const dns: DNS = {};
  const nameservers = readIpList(o.get(Opt.DNS_SERVERS));
  if (nameservers.length) dns.nameservers = nameservers;
  const domain = readText(o.get(Opt.DOMAIN_NAME));
  if (domain) dns.domain = domain;
  const search = decodeDomainSearch(o.get(Opt.DOMAIN_SEARCH));
  if (search.length) dns.search = search;
  return {
    address: ack.yiaddr,
    prefix,
    serverId,
    routers: readIpList(o.get(Opt.ROUTER)),
    classless: classlessRoutes.length > 0,
    staticRoutes: classlessRoutes.length ? classlessRoutes : decodeStaticRoutes(o.get(Opt.STATIC_ROUTES)),
    dns,
    leaseTime,
    renewalTime,
    rebindingTime,
  };
}

/** The IPAM result, as the reference builds it (plus DNS and an optional route priority). */
export function leaseResult(l: LeaseInfo, priority?: number): Result {
  const gateway = l.routers[0];
  const routes: Route[] = l.staticRoutes.map((r) => ({ dst: r.dst, gw: r.gw }));
  // The spec wants the default route spelled out even when a gateway is given; 121 replaces it.
  if (!l.classless && gateway) routes.push({ dst: '0.0.0.0/0', gw: gateway });
  if (priority !== undefined) for (const r of routes) r.priority = priority;
  const result: Result = {
    cniVersion: '1.1.0',
    ips: [{ address: `${l.address}/${l.prefix}`, ...(gateway ? { gateway } : {}) }],
    routes,
  };
  if (Object.keys(l.dns).length) result.dns = l.dns;
  return result;
}
