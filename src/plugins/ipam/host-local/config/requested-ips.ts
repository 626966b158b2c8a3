/**
 * Addresses the runtime asks for, in the reference's order: CNI_ARGS `IP=` (one plain address),
 * then `args.cni.ips` (plain addresses), then `runtimeConfig.ips` (address with or without a prefix).
 * The same address from two sources counts once (as in the reference); twice in one list is an error.
 */
import { CniError, ErrorCode, invalidConfig } from '../../../../spec/errors.js';
import type { NetConf } from '../../../../spec/types.js';
import { pickCniArgs } from '../../../../skel/cni-args.js';
import { IpAddress, IpNet } from '../../../../lib/ip/index.js';

function fromCniArgs(rawArgs: string): IpAddress[] {
  const { IP } = pickCniArgs(rawArgs, ['IP']);
  if (IP === undefined || IP === '') return [];
  const ip = IpAddress.tryParse(IP);
  if (!ip) throw new CniError(ErrorCode.InvalidEnvironmentVariables, `CNI_ARGS IP: invalid IP address: ${IP}`);
  return [ip];
}

function listOf(raw: unknown, path: string, parse: (s: string) => IpAddress | undefined): IpAddress[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidConfig(`${path}: expected an array of IP addresses`);
  const seen = new Set<string>();
  return raw.map((v, i) => {
    const ip = typeof v === 'string' ? parse(v) : undefined;
    if (!ip) throw invalidConfig(`${path}[${i}]: invalid IP address: ${String(v)}`);
    // One list naming an address twice is a typo (a second address was meant), not a request.
    if (seen.has(ip.toString())) throw invalidConfig(`${path}[${i}]: IP address ${ip} requested twice`);
    seen.add(ip.toString());
    return ip;
  });
}

/** pkg/ip.ParseIP: "10.1.2.3" or "10.1.2.3/24" (the prefix is ignored). */
function addressMaybeWithPrefix(s: string): IpAddress | undefined {
  return s.includes('/') ? IpNet.tryParse(s)?.ip.canonical() : IpAddress.tryParse(s);
}

export function requestedIps(conf: NetConf, rawCniArgs: string): IpAddress[] {
  const all = [
    ...fromCniArgs(rawCniArgs),
    ...listOf(conf.args?.cni?.ips, 'args.cni.ips', (s) => IpAddress.tryParse(s)),
    ...listOf(conf.runtimeConfig?.ips, 'runtimeConfig.ips', addressMaybeWithPrefix),
  ];
  const seen = new Set<string>();
  return all.filter((ip) => {
    const key = ip.toString();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
