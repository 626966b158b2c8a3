/**
 * runtimeConfig.portMappings: validated once, with each hostIP parsed so the backends can pick
 * the mappings of an address family (a hostIP of the other family is skipped, as the reference
 * does; an unspecified hostIP such as 0.0.0.0 keeps its family but matches any address).
 */
import { formatIp, parseIp, type IpFamily } from '../../../netlink/codec/ip.js';
import { invalidConfig } from '../../../spec/errors.js';

export type Protocol = 'tcp' | 'udp' | 'sctp';
const PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'sctp'];

export interface PortMapping {
  hostPort: number;
  containerPort: number;
  protocol: Protocol;
  /** Family of the given hostIP; absent when no hostIP was given (both families). */
  hostFamily?: IpFamily;
  /** The hostIP to match, normalized; absent for "any" (no hostIP, or 0.0.0.0 / ::). */
  hostIP?: string;
}

function port(v: unknown, what: 'container' | 'host'): number {
  // The reference's messages for <= 0; above 65535 is the same mistake.
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidConfig(`Invalid ${what} port number: ${JSON.stringify(v ?? null)}`);
  if (v <= 0 || v > 65535) throw invalidConfig(`Invalid ${what} port number: ${v}`);
  return v;
}

function protocol(v: unknown, i: number): Protocol {
  // Runtimes send lowercase; an absent protocol is TCP (docker, podman and Kubernetes default).
  if (v === undefined || v === null || v === '') return 'tcp';
  const p = typeof v === 'string' ? (v.toLowerCase() as Protocol) : undefined;
  if (!p || !PROTOCOLS.includes(p)) throw invalidConfig(`portMappings[${i}]: unsupported protocol ${JSON.stringify(v)} (tcp, udp or sctp)`);
  return p;
}

function hostAddress(v: unknown, i: number): Pick<PortMapping, 'hostFamily' | 'hostIP'> {
  if (v === undefined || v === null || v === '') return {};
  if (typeof v !== 'string') throw invalidConfig(`portMappings[${i}]: hostIP must be a string, got ${JSON.stringify(v)}`);
  let a;
  try {
    a = parseIp(v);
  } catch (err) {
    throw invalidConfig(`portMappings[${i}]: invalid hostIP ${JSON.stringify(v)}`, err);
  }
  const unspecified = a.bytes.every((b) => b === 0);
  return unspecified ? { hostFamily: a.family } : { hostFamily: a.family, hostIP: formatIp(a.bytes) };
}

export function parsePortMappings(raw: unknown): PortMapping[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidConfig(`failed to load netconf: "runtimeConfig.portMappings" must be an array, got ${JSON.stringify(raw)}`);
  return raw.map((e: unknown, i) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw invalidConfig(`portMappings[${i}]: expected an object, got ${JSON.stringify(e)}`);
    const o = e as Record<string, unknown>;
    return { containerPort: port(o.containerPort, 'container'), hostPort: port(o.hostPort, 'host'), protocol: protocol(o.protocol, i), ...hostAddress(o.hostIP, i) };
  });
}

/** The mappings that apply to a container address of this family. */
export function mappingsFor(family: IpFamily, all: readonly PortMapping[]): PortMapping[] {
  return all.filter((m) => m.hostFamily === undefined || m.hostFamily === family);
}

/** Distinct host ports of UDP mappings (their stale conntrack entries get flushed). */
export function udpHostPorts(all: readonly PortMapping[]): number[] {
  return [...new Set(all.filter((m) => m.protocol === 'udp').map((m) => m.hostPort))];
}
