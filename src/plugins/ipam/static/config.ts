/**
 * static IPAM's config (the reference's LoadIPAMConfig), in its order of precedence:
 * `ipam.addresses`, plus CNI_ARGS `IP=` (comma-separated CIDRs, with `GATEWAY=` applied to the
 * CNI_ARGS addresses containing it); `args.cni.ips` replaces all of those; `runtimeConfig.ips`
 * replaces everything. Messages name the field and keep the reference's wording.
 */
import { CniError, ErrorCode, invalidConfig } from '../../../spec/errors.js';
import type { DNS, NetConf, Route } from '../../../spec/types.js';
import { versionAtLeast } from '../../../spec/version.js';
import { pickCniArgs } from '../../../skel/cni-args.js';
import { IpAddress, IpNet, parseRoutes } from '../../../lib/ip/index.js';

export interface StaticAddress {
  /** The host address with its prefix length, e.g. 10.10.0.1/24. */
  address: IpNet;
  gateway?: IpAddress;
}

export interface StaticIpam {
  addresses: StaticAddress[];
  routes: Route[];
  dns: DNS;
}

export interface StaticConf extends NetConf {
  static: StaticIpam;
}

const envError = (msg: string) => new CniError(ErrorCode.InvalidEnvironmentVariables, msg);

/** Config addresses are parsed last, as in the reference: replaced ones are never looked at. */
type Pending = { text: string; path: string; gateway?: IpAddress } | StaticAddress;

/** Go's ParseCIDR, then canonicalizeIP: an IPv4-mapped address becomes IPv4 (its prefix too). */
function cidr(text: string, onError: () => Error): IpNet {
  const n = IpNet.tryParse(text);
  if (!n) throw onError();
  const ip = n.ip.canonical();
  return ip.family !== n.family && n.prefix >= 96 ? IpNet.of(ip, n.prefix - 96) : n;
}

function configAddresses(raw: unknown): Pending[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidConfig('ipam.addresses: expected an array');
  return raw.map((a: unknown, i) => {
    const path = `ipam.addresses[${i}]`;
    if (typeof a !== 'object' || a === null) throw invalidConfig(`${path}: expected an object`);
    const o = a as Record<string, unknown>;
    const text = typeof o.address === 'string' ? o.address : '';
    let gateway: IpAddress | undefined;
    if (o.gateway !== undefined && o.gateway !== null && o.gateway !== '') {
      gateway = typeof o.gateway === 'string' ? IpAddress.tryParse(o.gateway) : undefined;
      if (!gateway) throw invalidConfig(`${path}.gateway: invalid IP address: ${String(o.gateway)}`);
    }
    return { text, path: `${path}.address`, gateway };
  });
}

function cniArgsAddresses(rawArgs: string): StaticAddress[] {
  const { IP, GATEWAY } = pickCniArgs(rawArgs, ['IP', 'GATEWAY']);
  const addresses: StaticAddress[] = (IP ? IP.split(',') : []).map((item) => {
    const text = item.trim();
    return { address: cidr(text, () => envError(`CNI_ARGS IP: the 'ip' field is expected to be in CIDR notation, got: '${text}'`)) };
  });
  for (const item of GATEWAY ? GATEWAY.split(',') : []) {
    const gw = IpAddress.tryParse(item.trim());
    if (!gw) throw envError(`CNI_ARGS GATEWAY: invalid gateway address: ${item}`);
    for (const a of addresses) if (a.address.contains(gw)) a.gateway = gw;
  }
  return addresses;
}

function ipsList(raw: unknown, path: string): StaticAddress[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw invalidConfig(`${path}: expected an array`);
  if (raw.length === 0) return undefined;
  return raw.map((v: unknown, i) => ({
    address: cidr(typeof v === 'string' ? v : '', () => invalidConfig(`${path}[${i}]: an entry in the 'ips' field is NOT in CIDR notation, got: '${String(v)}'`)),
  }));
}

function resolve(p: Pending): StaticAddress {
  if (!('text' in p)) return p;
  const address = cidr(p.text, () => invalidConfig(`${p.path}: the 'address' field is expected to be in CIDR notation, got: '${p.text}'`));
  return p.gateway ? { address, gateway: p.gateway } : { address };
}

function parseDns(raw: unknown): DNS {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalidConfig('ipam.dns: expected an object');
  const o = raw as Record<string, unknown>;
  const dns: DNS = {};
  for (const key of ['nameservers', 'search', 'options'] as const) {
    const v = o[key];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw invalidConfig(`ipam.dns.${key}: expected an array of strings`);
    dns[key] = v as string[];
  }
  if (o.domain !== undefined && o.domain !== null) {
    if (typeof o.domain !== 'string') throw invalidConfig('ipam.dns.domain: expected a string');
    dns.domain = o.domain;
  }
  return dns;
}

export function loadStaticConfig(conf: NetConf, rawCniArgs: string): StaticConf {
  const ipam = conf.ipam as unknown;
  if (typeof ipam !== 'object' || ipam === null || Array.isArray(ipam)) throw invalidConfig("IPAM config missing 'ipam' key");
  const o = ipam as Record<string, unknown>;

  let pending: Pending[] = [...configAddresses(o.addresses), ...cniArgsAddresses(rawCniArgs)];
  pending = ipsList(conf.args?.cni?.ips, 'args.cni.ips') ?? pending;
  pending = ipsList(conf.runtimeConfig?.ips, 'runtimeConfig.ips') ?? pending;
  const addresses = pending.map(resolve);

  const v4 = addresses.filter((a) => a.address.family === 4).length;
  const v6 = addresses.length - v4;
  if ((v4 > 1 || v6 > 1) && !versionAtLeast(conf.cniVersion ?? '', '0.3.0')) {
    throw invalidConfig(`CNI version ${conf.cniVersion} does not support more than 1 address per family`);
  }
  return { ...conf, static: { addresses, routes: parseRoutes(o.routes, 'ipam.routes'), dns: parseDns(o.dns) } };
}
