/**
 * /run/flannel/subnet.env as flanneld writes it (KEY=VALUE lines):
 *   FLANNEL_NETWORK=10.244.0.0/16[,more]   FLANNEL_IPV6_NETWORK=fd00:10:244::/56[,more]
 *   FLANNEL_SUBNET=10.244.1.1/24           FLANNEL_IPV6_SUBNET=fd00:10:244:1::1/64
 *   FLANNEL_MTU=1450                       FLANNEL_IPMASQ=true
 * Parsed like the reference: exact keys, values not trimmed, CIDRs masked to their network, network
 * lists without duplicates, unknown keys ignored. A file without a network, a subnet, the MTU or
 * the masquerade flag is incomplete: the reference's "<file> is missing <keys>".
 */
import * as fs from 'node:fs';
import { CniError, ErrorCode } from '../../../spec/errors.js';
import { IpNet } from '../../../lib/ip/index.js';

export interface SubnetEnv {
  /** FLANNEL_NETWORK, masked, duplicates dropped. */
  networks: IpNet[];
  /** FLANNEL_IPV6_NETWORK, masked, duplicates dropped. */
  ip6Networks: IpNet[];
  subnet?: IpNet;
  ip6Subnet?: IpNet;
  mtu: number;
  /** Whether flanneld masquerades itself (then the delegate does not). */
  ipMasq: boolean;
}

const KEYS = new Set(['FLANNEL_NETWORK', 'FLANNEL_IPV6_NETWORK', 'FLANNEL_SUBNET', 'FLANNEL_IPV6_SUBNET', 'FLANNEL_MTU', 'FLANNEL_IPMASQ']);
const PREFIX = 'loadFlannelSubnetEnv failed';
const MAX_UINT32 = 0xffffffff;

function bad(file: string, key: string, value: string, why: string): CniError {
  return new CniError(ErrorCode.Internal, `${PREFIX}: ${file}: ${key}=${JSON.stringify(value)}: ${why}`);
}

function parseCidr(file: string, key: string, value: string): IpNet {
  const n = IpNet.tryParse(value);
  if (!n) throw bad(file, key, value, `invalid CIDR address: ${value}`);
  return n.masked();
}

function parseCidrList(file: string, key: string, value: string): IpNet[] {
  const out: IpNet[] = [];
  for (const text of value.split(',')) {
    const n = parseCidr(file, key, text);
    if (!out.some((o) => o.family === n.family && o.prefix === n.prefix && o.ip.equals(n.ip))) out.push(n);
  }
  return out;
}

function parseMtu(file: string, value: string): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (!(n <= MAX_UINT32)) throw bad(file, 'FLANNEL_MTU', value, 'not an unsigned 32-bit integer');
  return n;
}

/** The text of a subnet.env file -> its values; throws naming the file and what is wrong. */
export function parseSubnetEnv(text: string, file: string): SubnetEnv {
  let networks: IpNet[] = [];
  let ip6Networks: IpNet[] = [];
  let subnet: IpNet | undefined;
  let ip6Subnet: IpNet | undefined;
  let mtu: number | undefined;
  let ipMasq: boolean | undefined;
  // bufio.Scanner lines: split on \n, one trailing \r dropped; a last line without \n counts.
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    const value = eq < 0 ? undefined : line.slice(eq + 1);
    if (!KEYS.has(key)) continue;
    if (value === undefined) throw bad(file, key, '', 'no "=" and value');
    switch (key) {
      case 'FLANNEL_NETWORK': networks = parseCidrList(file, key, value); break;
      case 'FLANNEL_IPV6_NETWORK': ip6Networks = parseCidrList(file, key, value); break;
      case 'FLANNEL_SUBNET': subnet = parseCidr(file, key, value); break;
      case 'FLANNEL_IPV6_SUBNET': ip6Subnet = parseCidr(file, key, value); break;
      case 'FLANNEL_MTU': mtu = parseMtu(file, value); break;
      case 'FLANNEL_IPMASQ': ipMasq = value === 'true'; break;
    }
  }
  const missing: string[] = [];
  if (networks.length === 0 && ip6Networks.length === 0) missing.push('FLANNEL_NETWORK', 'FLANNEL_IPV6_NETWORK');
  if (!subnet && !ip6Subnet) missing.push('FLANNEL_SUBNET', 'FLANNEL_IPV6_SUBNET');
  if (mtu === undefined) missing.push('FLANNEL_MTU');
  if (ipMasq === undefined) missing.push('FLANNEL_IPMASQ');
  if (missing.length > 0 || mtu === undefined || ipMasq === undefined) {
    throw notReady(`${PREFIX}: ${file} is missing ${missing.join(', ')}`, 'flanneld has not finished writing it yet');
  }
  return { networks, ip6Networks, ...(subnet ? { subnet } : {}), ...(ip6Subnet ? { ip6Subnet } : {}), mtu, ipMasq };
}

/** Absent or incomplete: flanneld has not (fully) started on this node; the runtime may retry. */
function notReady(msg: string, details: string, cause?: unknown): CniError {
  return new CniError(ErrorCode.TryAgainLater, msg, details, cause === undefined ? undefined : { cause });
}

/**
 * Read and parse `file`. Absent or unreadable: code 11 (try again later), the reference's
 * "open <file>: ..." text, and a detail saying flanneld has not written it yet.
 */
export function loadSubnetEnv(file: string): SubnetEnv {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file or directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw notReady(`${PREFIX}: open ${file}: ${why}`, `flanneld has not written ${file} yet (is flanneld running on this node?)`, err);
  }
  return parseSubnetEnv(text, file);
}
