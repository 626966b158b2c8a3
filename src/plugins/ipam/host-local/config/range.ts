/**
 * One range: validation with defaults (the reference's Range.Canonicalize) and the
 * membership/overlap tests the allocator needs. Messages are the reference's text, e.g.
 * "invalid range set 0: RangeStart 10.2.0.5 not in network 10.1.0.0/16"; details name the field
 * ("field ipam.ranges[0][1].rangeStart").
 */
import { invalidField } from '../../../../spec/errors.js';
import { IpAddress, IpNet } from '../../../../lib/ip/index.js';
import type { IpRange } from './types.js';

/**
 * Where a range sits: the index of its set among all sets (the reference's "invalid range set N")
 * and its JSON path (the legacy range under "ipam" is plain "ipam").
 */
export interface RangeSite {
  setIndex: number;
  path: string;
}

/** A range the reference decoded but refused: "invalid range set N: <its Canonicalize text>". */
const refused = (site: RangeSite, key: string, text: string) => invalidField(`invalid range set ${site.setIndex}: ${text}`, `${site.path}.${key}`);

/** Absent, null and "" all mean "not set", as for Go's net.IP. */
function optionalIp(raw: Record<string, unknown>, key: string, site: RangeSite): IpAddress | undefined {
  const v = raw[key];
  if (v === undefined || v === null || v === '') return undefined;
  const ip = typeof v === 'string' ? IpAddress.tryParse(v) : undefined;
  // Refused while the reference decodes the JSON (net.IP's UnmarshalText): its text is bare.
  if (!ip) throw invalidField(`invalid IP address: ${String(v)}`, `${site.path}.${key}`);
  return ip;
}

function parseSubnet(raw: Record<string, unknown>, site: RangeSite): IpNet {
  const v = raw.subnet;
  if (typeof v !== 'string' || v === '') throw refused(site, 'subnet', 'subnet is missing');
  const subnet = IpNet.tryParse(v);
  if (!subnet) throw invalidField(`invalid CIDR address: ${v}`, `${site.path}.subnet`);
  // No room for anything but network and broadcast (/31, /32, /127, /128).
  if (subnet.prefix > subnet.bits - 2) throw refused(site, 'subnet', `Network ${subnet} too small to allocate from`);
  if (!subnet.isNetworkAddress()) {
    throw refused(site, 'subnet', `Network has host bits set. For a subnet mask of length ${subnet.prefix} the network address is ${subnet.network()}`);
  }
  return subnet;
}

/** Last allocatable address by default: the IPv4 broadcast is excluded, IPv6 has none. */
function defaultRangeEnd(subnet: IpNet): IpAddress {
  const last = subnet.broadcast();
  return subnet.family === 4 ? last.prev()! : last;
}

/** "RangeStart 10.2.0.5 not in network 10.1.0.0/16", as the reference says it. */
function requireInSubnet(ip: IpAddress, subnet: IpNet, site: RangeSite, key: 'rangeStart' | 'rangeEnd'): void {
  const name = key === 'rangeStart' ? 'RangeStart' : 'RangeEnd';
  if (ip.family !== subnet.family || !subnet.contains(ip)) throw refused(site, key, `${name} ${ip} not in network ${subnet}`);
}

export function canonicalizeRange(raw: unknown, site: RangeSite): IpRange {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidField(`invalid range set ${site.setIndex}: a range must be an object`, site.path);
  const r = raw as Record<string, unknown>;
  const subnet = parseSubnet(r, site);
  const first = subnet.network().next()!;

  const gateway = optionalIp(r, 'gateway', site) ?? first;
  // The reference no longer requires the gateway inside the subnet, but it must be the same family.
  if (gateway.family !== subnet.family) throw refused(site, 'gateway', `Gateway ${gateway} is not an IPv${subnet.family} address like network ${subnet}`);

  const start = optionalIp(r, 'rangeStart', site);
  if (start) requireInSubnet(start, subnet, site, 'rangeStart');
  const end = optionalIp(r, 'rangeEnd', site);
  if (end) requireInSubnet(end, subnet, site, 'rangeEnd');

  const rangeStart = start ?? first;
  const rangeEnd = end ?? defaultRangeEnd(subnet);
  if (rangeStart.compare(rangeEnd) > 0) throw refused(site, 'rangeStart', `RangeStart ${rangeStart} is after RangeEnd ${rangeEnd}`);
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
