/**
 * A tuning sysctl key to its /proc/sys file, as the reference resolves it: dots become slashes
 * (a key that already contains '/' is taken as a path, so `net/ipv4/conf/eth0.100/rp_filter`
 * names a dotted interface), then the first `IFNAME` becomes CNI_IFNAME. Only keys under net/
 * are allowed, and no empty, `.` or `..` segment: no way out of /proc/sys/net.
 */
import { invalidConfig } from '../../../spec/errors.js';

const PROC_SYS = '/proc/sys/';

/** Absolute path for `key`; code 7 "invalid net sysctl key" for anything outside net/. */
export function sysctlFile(key: string, ifName: string): string {
  let rel = key.startsWith(PROC_SYS) ? key.slice(PROC_SYS.length) : key;
  if (!rel.includes('/')) rel = rel.replaceAll('.', '/');
  rel = rel.replace('IFNAME', ifName);
  const parts = rel.split('/');
  if (parts[0] !== 'net' || parts.length < 2 || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\0'))) {
    throw invalidConfig(`invalid net sysctl key: ${JSON.stringify(rel)}`);
  }
  return PROC_SYS + rel;
}
