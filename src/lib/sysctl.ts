/**
 * Kernel parameters under /proc/sys, read and written synchronously so that a call made inside a
 * withNetns() window acts on that namespace's net.* values (the calling thread's netns decides).
 *
 * Keys: path form 'net/ipv4/ip_forward' (optionally with a leading '/proc/sys/') is taken
 * literally, so interface names containing dots work: 'net/ipv4/conf/eth0.100/rp_filter'.
 * Dotted form 'net.ipv4.ip_forward' (no '/') maps every '.' to '/', so it cannot name an
 * interface with a dot in it; use the path form for those.
 */
import * as fs from 'node:fs';

const PROC_SYS = '/proc/sys/';

/** Absolute /proc/sys path for a key in path or dotted form. */
export function sysctlPath(key: string): string {
  let rel = key.startsWith(PROC_SYS) ? key.slice(PROC_SYS.length) : key;
  if (!rel.includes('/')) rel = rel.replace(/\./g, '/');
  const parts = rel.split('/');
  if (!rel || parts.some((p) => p === '' || p === '.' || p === '..')) throw new TypeError(`invalid sysctl key "${key}"`);
  return PROC_SYS + rel;
}

/** The value with its trailing newline removed. */
export function sysctlRead(key: string): string {
  return fs.readFileSync(sysctlPath(key), 'utf8').replace(/\n$/, '');
}

export function sysctlWrite(key: string, value: string | number): void {
  fs.writeFileSync(sysctlPath(key), String(value));
}
