/**
 * Turn on IP forwarding in the calling thread's namespace (the host, for plugins): IPv4
 * net/ipv4/ip_forward, IPv6 net/ipv6/conf/all/forwarding, written only when not already 1.
 */
import type { IPConfig } from '../spec/types.js';
import { IpNet, type IpFamily } from './ip/index.js';
import { sysctlRead, sysctlWrite } from './sysctl.js';

export class ForwardingError extends Error {
  override readonly name = 'ForwardingError';
}

export const FORWARDING_SYSCTL: Record<IpFamily, string> = {
  4: 'net/ipv4/ip_forward',
  6: 'net/ipv6/conf/all/forwarding',
};

export function enableForwarding(family: IpFamily): void {
  const key = FORWARDING_SYSCTL[family];
  try {
    if (sysctlRead(key).trim() === '1') return;
  } catch {
    // unreadable: try the write, which reports the real problem
  }
  try {
    sysctlWrite(key, '1');
  } catch (err) {
    throw new ForwardingError(`could not enable IPv${family} forwarding (${key}): ${(err as Error).message}`, { cause: err });
  }
}

/** Enable forwarding for every family that has an address in `ips` (the reference's ip.EnableForward). */
export function enableForwardingFor(ips: readonly IPConfig[]): void {
  const families = new Set(ips.map((ipc) => IpNet.parse(ipc.address).family));
  for (const family of [4, 6] as const) if (families.has(family)) enableForwarding(family);
}
