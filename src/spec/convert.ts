/**
 * Result conversion between every CNI spec version (0.1.0 .. 1.1.0).
 *
 * Plugins work with the internal `Result` (1.1.0 shape). `parseResult` reads a result of any version
 * (a prevResult, a delegate's output) into it, validating the shape; `formatResult` writes it as the
 * version the runtime asked for. The rules are those of cni-reference 1.7 / the reference library
 * (pkg/types/020, 040, 100):
 *   0.1.0/0.2.0  ip4/ip6 objects; only the first IPv4 and first IPv6 address survive a down-conversion,
 *                routes go under the object of their destination's family (dropped when that family has
 *                no address), and a result with no address cannot be converted at all.
 *   0.3.0..0.4.0 interfaces[{name,mac,sandbox}], ips[{version,interface,address,gateway}], routes[{dst,gw}].
 *   1.0.0        as 0.4.0 without ips[].version.
 *   1.1.0        adds interfaces[].mtu/socketPath/pciID and routes[].mtu/advmss/priority/table/scope.
 * Output objects are built key by key in the order the reference prints them, and omit what the
 * reference's `omitempty` omits (empty lists, empty strings, zero mtu/advmss/priority); `dns` is a
 * struct in the reference and therefore always printed, as `"dns":{}` when empty.
 * Addresses are canonicalised as the reference does by parsing and re-printing them (lower-case,
 * RFC 5952 IPv6; IPv4-mapped IPv6 printed as IPv4).
 */
import { CniError, ErrorCode } from './errors.js';
import type {
  AnyResult, DNS, Interface, IPConfig, IPConfig020, IPConfig040, Result, Result020, Result040, Route,
} from './types.js';
import { CURRENT_VERSION } from './types.js';
import { IMPLICIT_VERSION } from './version.js';
import { formatIPv4, formatIPv6, parseIPv4Text, parseIPv6Text } from '../lib/ip/text.js';
import { goField } from '../lib/go-fields.js';

type Shape = '020' | '040' | '100';
type Interface040 = NonNullable<Result040['interfaces']>[number];

const SHAPE_OF: Readonly<Record<string, Shape>> = {
  '0.1.0': '020', '0.2.0': '020',
  '0.3.0': '040', '0.3.1': '040', '0.4.0': '040',
  '1.0.0': '100', '1.1.0': '100',
};

function shapeOf(version: string, action: string): Shape {
  const shape = SHAPE_OF[version];
  if (!shape) throw new CniError(ErrorCode.IncompatibleCniVersion, `cannot ${action} result: unsupported CNI version "${version}"`);
  return shape;
}

export interface ParseResultOptions {
  /** Names the input in error messages ("result", "prevResult", ...). Default "result". */
  label?: string;
}

/**
 * Read a result of any spec version into the internal 1.1.0 shape (its cniVersion becomes "1.1.0").
 * A result without cniVersion is taken as `fallbackVersion` (the config's version).
 * Throws CniError code 6 naming the offending field, or code 1 for an unknown result version.
 */
export function parseResult(json: unknown, fallbackVersion: string, opts: ParseResultOptions = {}): Result {
  const r = new FieldReader(opts.label ?? 'result');
  const root = r.object(json, '');
  const declared = r.optString(root, 'cniVersion', '');
  const version = declared || fallbackVersion || IMPLICIT_VERSION;
  switch (shapeOf(version, 'read')) {
    case '020': return read020(r, root);
    case '040': return read040(r, root);
    case '100': return read100(r, root);
  }
}

/**
 * Write an internal result as `toVersion`. Throws CniError code 1 for an unknown version, or when
 * the result cannot be expressed in it (0.1.0/0.2.0 and no IP address).
 */
export function formatResult(result: Result, toVersion: string): AnyResult {
  switch (shapeOf(toVersion, 'write')) {
    case '020': return write020(result, toVersion);
    case '040': return write040(result, toVersion);
    case '100': return write100(result, toVersion);
  }
}

/** Convert a result from one spec version to another (fromVersion applies when it has no cniVersion). */
export function convertResult(json: unknown, fromVersion: string, toVersion: string): AnyResult {
  return formatResult(parseResult(json, fromVersion), toVersion);
}

// ---------------------------------------------------------------------------------------------
// Reading

function read100(r: FieldReader, root: Record<string, unknown>): Result {
  const out: Result = { cniVersion: CURRENT_VERSION };
  const interfaces = r.optArray(root, 'interfaces', '', (v, p) => readInterface(r, v, p, true));
  if (interfaces.length) out.interfaces = interfaces;
  const ips = r.optArray(root, 'ips', '', (v, p) => readIPConfig(r, v, p));
  if (ips.length) out.ips = ips;
  const routes = r.optArray(root, 'routes', '', (v, p) => readRoute(r, v, p, true));
  if (routes.length) out.routes = routes;
  out.dns = readDns(r, root);
  return out;
}

function read040(r: FieldReader, root: Record<string, unknown>): Result {
  const out: Result = { cniVersion: CURRENT_VERSION };
  const interfaces = r.optArray(root, 'interfaces', '', (v, p) => readInterface(r, v, p, false));
  if (interfaces.length) out.interfaces = interfaces;
  const ips = r.optArray(root, 'ips', '', (v, p) => {
    // ips[].version is implied by the address; only its type is checked.
    r.optString(r.object(v, p), 'version', p);
    return readIPConfig(r, v, p);
  });
  if (ips.length) out.ips = ips;
  const routes = r.optArray(root, 'routes', '', (v, p) => readRoute(r, v, p, false));
  if (routes.length) out.routes = routes;
  out.dns = readDns(r, root);
  return out;
}

function read020(r: FieldReader, root: Record<string, unknown>): Result {
  const out: Result = { cniVersion: CURRENT_VERSION };
  const ips: IPConfig[] = [];
  const routes: Route[] = [];
  for (const key of ['ip4', 'ip6'] as const) {
    const raw = goField(root, key);
    if (raw === undefined || raw === null) continue;
    const o = r.object(raw, key);
    if (Object.keys(o).length === 0) continue; // "ip6":{} means no IPv6 configuration
    const ip: IPConfig = { address: r.cidr(o, 'ip', key) };
    const gw = r.optIP(o, 'gateway', key);
    if (gw) ip.gateway = gw;
    ips.push(ip);
    routes.push(...r.optArray(o, 'routes', key, (v, p) => readRoute(r, v, p, false)));
  }
  if (ips.length) out.ips = ips;
  if (routes.length) out.routes = routes;
  out.dns = readDns(r, root);
  return out;
}

function readInterface(r: FieldReader, v: unknown, path: string, v11: boolean): Interface {
  const o = r.object(v, path);
  const out: Interface = { name: r.optString(o, 'name', path) ?? '' };
  const mac = r.optString(o, 'mac', path);
  if (mac) out.mac = mac;
  if (v11) {
    const mtu = r.optInt(o, 'mtu', path, 0);
    if (mtu) out.mtu = mtu;
  }
  const sandbox = r.optString(o, 'sandbox', path);
  if (sandbox) out.sandbox = sandbox;
  if (v11) {
    const socketPath = r.optString(o, 'socketPath', path);
    if (socketPath) out.socketPath = socketPath;
    const pciID = r.optString(o, 'pciID', path);
    if (pciID) out.pciID = pciID;
  }
  return out;
}

function readIPConfig(r: FieldReader, v: unknown, path: string): IPConfig {
  const o = r.object(v, path);
  const out = {} as IPConfig;
  const index = r.optInt(o, 'interface', path, -1);
  if (index !== undefined) out.interface = index;
  out.address = r.cidr(o, 'address', path);
  const gw = r.optIP(o, 'gateway', path);
  if (gw) out.gateway = gw;
  return out;
}

function readRoute(r: FieldReader, v: unknown, path: string, v11: boolean): Route {
  const o = r.object(v, path);
  const out: Route = { dst: r.cidr(o, 'dst', path) };
  const gw = r.optIP(o, 'gw', path);
  if (gw) out.gw = gw;
  if (!v11) return out;
  const mtu = r.optInt(o, 'mtu', path, 0);
  if (mtu) out.mtu = mtu;
  const advmss = r.optInt(o, 'advmss', path, 0);
  if (advmss) out.advmss = advmss;
  const priority = r.optInt(o, 'priority', path, 0);
  if (priority) out.priority = priority;
  const table = r.optInt(o, 'table', path, 0);
  if (table !== undefined) out.table = table;
  const scope = r.optInt(o, 'scope', path, 0);
  if (scope !== undefined) out.scope = scope;
  return out;
}

function readDns(r: FieldReader, root: Record<string, unknown>): DNS {
  const raw = goField(root, 'dns');
  if (raw === undefined || raw === null) return {};
  const o = r.object(raw, 'dns');
  return copyDns({
    nameservers: r.optStringArray(o, 'nameservers', 'dns'),
    domain: r.optString(o, 'domain', 'dns'),
    search: r.optStringArray(o, 'search', 'dns'),
    options: r.optStringArray(o, 'options', 'dns'),
  });
}

/**
 * Reads JSON fields with paths for messages ("ips[0].address"); every failure is code 6. Keys are
 * matched as Go's encoding/json matches the reference's result structs (src/lib/go-fields.ts).
 */
class FieldReader {
  constructor(private readonly label: string) {}

  fail(path: string, problem: string): CniError {
    return new CniError(ErrorCode.DecodingFailure, `invalid ${this.label}: ${path ? `${path}: ` : ''}${problem}`);
  }

  object(v: unknown, path: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw this.fail(path, `expected a JSON object, got ${describe(v)}`);
    return v as Record<string, unknown>;
  }

  optString(o: Record<string, unknown>, key: string, path: string): string | undefined {
    const v = goField(o, key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw this.fail(join(path, key), `expected a string, got ${describe(v)}`);
    return v;
  }

  optInt(o: Record<string, unknown>, key: string, path: string, min: number): number | undefined {
    const v = goField(o, key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      throw this.fail(join(path, key), `expected an integer >= ${min}, got ${describe(v)}`);
    }
    return v;
  }

  optStringArray(o: Record<string, unknown>, key: string, path: string): string[] | undefined {
    const v = goField(o, key);
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v)) throw this.fail(join(path, key), `expected a list of strings, got ${describe(v)}`);
    return v.map((s, i) => {
      if (typeof s !== 'string') throw this.fail(`${join(path, key)}[${i}]`, `expected a string, got ${describe(s)}`);
      return s;
    });
  }

  optArray<T>(o: Record<string, unknown>, key: string, path: string, item: (v: unknown, path: string) => T): T[] {
    const v = goField(o, key);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw this.fail(join(path, key), `expected a list, got ${describe(v)}`);
    return v.map((x, i) => item(x, `${join(path, key)}[${i}]`));
  }

  cidr(o: Record<string, unknown>, key: string, path: string): string {
    const v = this.optString(o, key, path);
    if (v === undefined) throw this.fail(join(path, key), 'missing');
    const c = canonicalCidr(v);
    if (!c) throw this.fail(join(path, key), `invalid CIDR address "${v}"`);
    return c;
  }

  /** An optional IP; "" counts as absent, as in the reference. */
  optIP(o: Record<string, unknown>, key: string, path: string): string | undefined {
    const v = this.optString(o, key, path);
    if (!v) return undefined;
    const ip = canonicalIp(v);
    if (!ip) throw this.fail(join(path, key), `invalid IP address "${v}"`);
    return ip;
  }
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `"${v}"`;
  if (typeof v === 'object') return 'an object';
  return String(v);
}

// ---------------------------------------------------------------------------------------------
// Writing

function write100(r: Result, version: string): Result {
  const v11 = version === '1.1.0';
  const out: Result = { cniVersion: version };
  if (r.interfaces?.length) {
    out.interfaces = r.interfaces.map((i) => {
      const o: Interface = { name: i.name };
      if (i.mac) o.mac = i.mac;
      if (v11 && i.mtu) o.mtu = i.mtu;
      if (i.sandbox) o.sandbox = i.sandbox;
      if (v11 && i.socketPath) o.socketPath = i.socketPath;
      if (v11 && i.pciID) o.pciID = i.pciID;
      return o;
    });
  }
  if (r.ips?.length) {
    out.ips = r.ips.map((ip) => {
      const o = {} as IPConfig;
      if (ip.interface !== undefined) o.interface = ip.interface;
      o.address = ip.address;
      if (ip.gateway) o.gateway = ip.gateway;
      return o;
    });
  }
  if (r.routes?.length) out.routes = r.routes.map((rt) => (v11 ? writeRoute11(rt) : writeRouteBasic(rt)));
  out.dns = copyDns(r.dns);
  return out;
}

function write040(r: Result, version: string): Result040 {
  const out: Result040 = { cniVersion: version };
  if (r.interfaces?.length) {
    out.interfaces = r.interfaces.map((i) => {
      const o: Interface040 = { name: i.name };
      if (i.mac) o.mac = i.mac;
      if (i.sandbox) o.sandbox = i.sandbox;
      return o;
    });
  }
  if (r.ips?.length) {
    out.ips = r.ips.map((ip) => {
      const o = { version: familyOf(ip.address) === 4 ? '4' : '6' } as IPConfig040;
      if (ip.interface !== undefined) o.interface = ip.interface;
      o.address = ip.address;
      if (ip.gateway) o.gateway = ip.gateway;
      return o;
    });
  }
  if (r.routes?.length) out.routes = r.routes.map(writeRouteBasic);
  out.dns = copyDns(r.dns);
  return out;
}

function write020(r: Result, version: string): Result020 {
  let ip4: IPConfig020 | undefined;
  let ip6: IPConfig020 | undefined;
  for (const ip of r.ips ?? []) {
    const family = familyOf(ip.address);
    if (family === 4 && !ip4) ip4 = ip020(ip);
    else if (family === 6 && !ip6) ip6 = ip020(ip);
    if (ip4 && ip6) break;
  }
  if (!ip4 && !ip6) throw new CniError(ErrorCode.IncompatibleCniVersion, 'cannot convert: no valid IP addresses');
  for (const rt of r.routes ?? []) {
    const target = familyOf(rt.dst) === 4 ? ip4 : ip6;
    if (target) (target.routes ??= []).push(writeRouteBasic(rt));
  }
  const out: Result020 = { cniVersion: version };
  if (ip4) out.ip4 = ip4;
  if (ip6) out.ip6 = ip6;
  out.dns = copyDns(r.dns);
  return out;
}

function ip020(ip: IPConfig): IPConfig020 {
  const o: IPConfig020 = { ip: ip.address };
  if (ip.gateway) o.gateway = ip.gateway;
  return o;
}

function writeRouteBasic(rt: Route): Pick<Route, 'dst' | 'gw'> {
  return rt.gw ? { dst: rt.dst, gw: rt.gw } : { dst: rt.dst };
}

function writeRoute11(rt: Route): Route {
  const o: Route = { dst: rt.dst };
  if (rt.gw) o.gw = rt.gw;
  if (rt.mtu) o.mtu = rt.mtu;
  if (rt.advmss) o.advmss = rt.advmss;
  if (rt.priority) o.priority = rt.priority;
  if (rt.table !== undefined) o.table = rt.table;
  if (rt.scope !== undefined) o.scope = rt.scope;
  return o;
}

/** A fresh DNS object without empty fields, keys in the reference's order. */
function copyDns(d: DNS | undefined): DNS {
  const o: DNS = {};
  if (d?.nameservers?.length) o.nameservers = [...d.nameservers];
  if (d?.domain) o.domain = d.domain;
  if (d?.search?.length) o.search = [...d.search];
  if (d?.options?.length) o.options = [...d.options];
  return o;
}

// ---------------------------------------------------------------------------------------------
// Address text, through the shared Go-compatible parser (src/lib/ip/text.ts).

/** 4 or 6 for an address or CIDR string (IPv4-mapped IPv6 counts as 4, as in the reference). */
function familyOf(addressOrCidr: string): 4 | 6 {
  const slash = addressOrCidr.indexOf('/');
  const ip = slash < 0 ? addressOrCidr : addressOrCidr.slice(0, slash);
  if (!ip.includes(':')) return 4;
  const v = parseIPv6Text(ip);
  return v !== undefined && isV4Mapped(v) ? 4 : 6;
}

const isV4Mapped = (v: bigint) => v >> 32n === 0xffffn;

/** The canonical text of an IP address (IPv4-mapped IPv6 printed as IPv4), or undefined. */
function canonicalIp(text: string): string | undefined {
  if (parseIPv4Text(text) !== undefined) return text;
  const v = parseIPv6Text(text);
  return v === undefined ? undefined : formatIPv6(v);
}

/** The canonical text of "address/prefix" (host bits kept), or undefined when invalid. */
function canonicalCidr(text: string): string | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const addrText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (parseIPv4Text(addrText) !== undefined) return prefix <= 32 ? `${addrText}/${prefix}` : undefined;
  const v = parseIPv6Text(addrText);
  if (v === undefined || prefix > 128) return undefined;
  // Go reduces an IPv4-mapped address with a /96+ mask to the IPv4 network.
  if (isV4Mapped(v) && prefix >= 96) return `${formatIPv4(v & 0xffffffffn)}/${prefix - 96}`;
  return `${formatIPv6(v)}/${prefix}`;
}
