/**
 * One range: validation with defaults (the reference's Range.Canonicalize) and the
 * membership/overlap tests the allocator needs. Messages name the field, e.g.
 * "ipam.ranges[0][1].rangeStart: 10.2.0.5 not in network 10.1.0.0/16".
 */
import { invalidConfig } from '../../../../spec/errors.js';
import { IpAddress, IpNet } from '../../../../lib/ip/index.js';
import type { IpRange } from './types.js';

/** Absent, null and "" all mean "not set", as for Go's net.IP. */
function optionalIp(raw: Record<string, unknown>, key: string, path: string): IpAddress | undefined {
  const v = raw[key];
  if (v === undefined || v === null || v === '') return undefined;
  const ip = typeof v === 'string' ? IpAddress.tryParse(v) : undefined;
  if (!ip) throw invalidConfig(`${path}.${key}: invalid IP address: ${String(v)}`);
  return ip;
}

function parseSubnet(raw: Record<string, unknown>, path: string): IpNet {
  const v = raw.subnet;
  if (typeof v !== 'string' || v === '') throw invalidConfig(`${path}.subnet: missing`);
  const subnet = IpNet.tryParse(v);
  if (!subnet) throw invalidConfig(`${path}.subnet: invalid CIDR address: ${v}`);
  // No room for anything but network and broadcast (/31, /32, /127, /128).
  if (subnet.prefix > subnet.bits - 2) throw invalidConfig(`${path}.subnet: Network ${subnet} too small to allocate from`);
  if (!subnet.isNetworkAddress()) {
    throw invalidConfig(`${path}.subnet: Network has host bits set. For a subnet mask of length ${subnet.prefix} the network address is ${subnet.network()}`);
  }
  return subnet;
}

/** Last allocatable address by default: the IPv4 broadcast is excluded, IPv6 has none. */
function defaultRangeEnd(subnet: IpNet): IpAddress {
  const last = subnet.broadcast();
  return subnet.family === 4 ? last.prev()! : last;
}

function requireInSubnet(ip: IpAddress, subnet: IpNet, field: string): void {
  if (ip.family !== subnet.family || !subnet.contains(ip)) throw invalidConfig(`${field}: ${ip} not in network ${subnet}`);
}

export function canonicalizeRange(raw: unknown, path: string): IpRange {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidConfig(`${path}: expected an object`);
  const r = raw as Record<string, unknown>;
  const subnet = parseSubnet(r, path);
  const first = subnet.network().next()!;

  const gateway = optionalIp(r, 'gateway', path) ?? first;
  // The reference no longer requires the gateway inside the subnet, but it must be the same family.
  if (gateway.family !== subnet.family) throw invalidConfig(`${path}.gateway: ${gateway} is not an IPv${subnet.family} address like subnet ${subnet}`);

  const start = optionalIp(r, 'rangeStart', path);
  if (start) requireInSubnet(start, subnet, `${path}.rangeStart`);
  const end = optionalIp(r, 'rangeEnd', path);
  if (end) requireInSubnet(end, subnet, `${path}.rangeEnd`);

  const rangeStart = start ?? first;
  const rangeEnd = end ?? defaultRangeEnd(subnet);
  if (rangeStart.compare(rangeEnd) > 0) throw invalidConfig(`${path}.rangeStart: ${rangeStart} is after rangeEnd ${rangeEnd}`);
  return { subnet, rangeStart, rangeEnd, gateway };
}

/** Inside [rangeStart, rangeEnd] (which lies inside the subnet), same family. */
export function rangeContains(r: IpRange, ip: IpAddress): boolean {
  return ip.family === r.subnet.family && ip.compare(r.rangeStart) >= 0 && ip.compare(r.rangeEnd) <= 0;
}

export function rangesOverlap(a: IpRange, b: IpRange): boolean {
  if (a.subnet.family !== b.subnet.family) return false;
  return a.rangeStart.compare(b.rangeEnd) <= 0 && b.rangeStart.compare(a.rangeEnd) <= 0;
}

/**
 * Never handed out: the gateway, the network address and the IPv4 broadcast address
 * (reachable only through an explicit rangeStart/rangeEnd at the subnet's edges).
 */
export function isReservedAddress(r: IpRange, ip: IpAddress): boolean {
  if (ip.equals(r.gateway) || ip.equals(r.subnet.network())) return true;
  return r.subnet.family === 4 && ip.equals(r.subnet.broadcast());
}

/** "start-end", the reference's Range.String(). */
export function formatRange(r: IpRange): string {
  return `${r.rangeStart}-${r.rangeEnd}`;
}
