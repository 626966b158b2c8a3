/**
 * Validate the `routes` list of an IPAM config ([{dst, gw?, mtu?, advmss?, priority?, table?,
 * scope?}]) and write addresses in canonical form, as the reference's types.Route round trip does.
 */
import type { Route } from '../../spec/types.js';
import { invalidConfig } from '../../spec/errors.js';
import { IpAddress } from './address.js';
import { IpNet } from './cidr.js';

const NUMERIC_KEYS = ['mtu', 'advmss', 'priority', 'table', 'scope'] as const;

function parseRoute(raw: unknown, path: string): Route {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidConfig(`${path}: expected an object`);
  const r = raw as Record<string, unknown>;
  if (typeof r.dst !== 'string') throw invalidConfig(`${path}.dst: missing or not a string`);
  const dst = IpNet.tryParse(r.dst);
  if (!dst) throw invalidConfig(`${path}.dst: invalid CIDR address: ${r.dst}`);
  const route: Route = { dst: dst.toString() };
  if (r.gw !== undefined && r.gw !== null && r.gw !== '') {
    const gw = typeof r.gw === 'string' ? IpAddress.tryParse(r.gw) : undefined;
    if (!gw) throw invalidConfig(`${path}.gw: invalid IP address: ${String(r.gw)}`);
    route.gw = gw.toString();
  }
  for (const key of NUMERIC_KEYS) {
    const v = r[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidConfig(`${path}.${key}: expected an integer`);
    route[key] = v;
  }
  return route;
}

/** `path` names the list in messages, e.g. "ipam.routes". Absent -> []. */
export function parseRoutes(raw: unknown, path: string): Route[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidConfig(`${path}: expected an array of routes`);
  return raw.map((r, i) => parseRoute(r, `${path}[${i}]`));
}
