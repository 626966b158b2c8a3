/**
 * What one attachment needs from the firewall, derived from the prevResult: every address of
 * `ips` (as a host address, like the reference's ipString) and, for the isolating ingress
 * policies, the bridge (the first interface of the result, which the bridge plugin reports first).
 */
import { CniError, ErrorCode, invalidConfig } from '../../../spec/errors.js';
import type { Result } from '../../../spec/types.js';
import { IpNet } from '../../../lib/ip/index.js';
import type { IngressPolicy } from './config.js';
import type { Owner } from './owner.js';

/** Plain interface names only: no blanks, quotes, leading "!" or "-", or wildcard "+"/"*". */
const IFNAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.@\-]*$/;

export interface HostAddress {
  family: 4 | 6;
  /** Canonical text without prefix, e.g. "10.22.0.5" or "fd00:22::5". */
  address: string;
}

export interface AttachmentRules {
  owner: Owner;
  addresses: HostAddress[];
  ingressPolicy: IngressPolicy;
  /** Set when ingressPolicy is not "open". */
  bridge?: string;
}

export function requirePrevResult(prevResult: unknown): Result {
  if (prevResult === undefined || prevResult === null) throw invalidConfig('missing prevResult from earlier plugin');
  return prevResult as Result;
}

function hostAddresses(result: Result): HostAddress[] {
  const seen = new Set<string>();
  const out: HostAddress[] = [];
  for (const ip of result.ips ?? []) {
    const net = IpNet.tryParse(ip.address);
    if (!net) throw invalidConfig(`prevResult: invalid address ${JSON.stringify(ip.address)}`);
    const addr = net.ip.canonical();
    const key = addr.toString();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ family: addr.family, address: key });
  }
  return out;
}

/** The bridge for same-bridge/isolated, with the reference's errors when the result has none. */
function bridgeName(result: Result, policy: IngressPolicy): string {
  const first = result.interfaces?.[0];
  if (!first) {
    throw new CniError(ErrorCode.InvalidNetworkConfig, `interface needs to be set for ingress policy "${policy}", make sure to chain "firewall" plugin with "bridge"`);
  }
  if (!first.name) throw new CniError(ErrorCode.InvalidNetworkConfig, 'got empty bridge name');
  // It goes into nft ifname matches (16 bytes with the NUL) and unquoted into iptables-restore input.
  if (Buffer.byteLength(first.name) > 15 || !IFNAME_RE.test(first.name)) throw invalidConfig(`prevResult: invalid bridge name ${JSON.stringify(first.name)}`);
  return first.name;
}

export function attachmentRules(owner: Owner, prevResult: unknown, ingressPolicy: IngressPolicy): AttachmentRules {
  const result = requirePrevResult(prevResult);
  const rules: AttachmentRules = { owner, addresses: hostAddresses(result), ingressPolicy };
  if (ingressPolicy !== 'open') rules.bridge = bridgeName(result, ingressPolicy);
  return rules;
}
