/**
 * Stale UDP conntrack entries black-hole a host port: a client that kept sending to it before
 * the mapping existed (or while an earlier container had it) still matches the old entry, which
 * has no DNAT, until the entry expires. Deleting the entries of the mapped UDP host ports makes
 * the next packet go through the new rules. Failures are only logged, as in the reference.
 */
import type { IpFamily } from '../../../netlink/codec/ip.js';
import { Conntrack, IPPROTO } from '../../../netlink/conntrack/index.js';
import type { Logger } from '../../../log/logger.js';

export function flushUdpConntrack(families: readonly IpFamily[], ports: readonly number[], log: Logger): void {
  if (families.length === 0 || ports.length === 0) return;
  let ct: Conntrack;
  try {
    ct = Conntrack.open();
  } catch (err) {
    log.warn({ err }, 'portmap: cannot open the conntrack table to delete stale UDP entries');
    return;
  }
  using _ct = ct;
  const wanted = new Set(ports);
  for (const family of new Set(families)) {
    try {
      // One dump per family (each walks the whole conntrack table): by port in the kernel when
      // there is one port, else every UDP entry, picked here.
      const n =
        ports.length === 1
          ? ct.deleteMatching({ family, protocol: IPPROTO.UDP, origDstPort: ports[0] })
          : ct.deleteMatching({ family, protocol: IPPROTO.UDP }, (e) => e.orig.dstPort !== undefined && wanted.has(e.orig.dstPort));
      if (n > 0) log.debug({ family, ports, deleted: n }, 'portmap: deleted stale UDP conntrack entries');
    } catch (err) {
      log.warn({ err, family, ports }, `portmap: failed to delete stale UDP conntrack entries for ports ${ports.join(', ')}`);
    }
  }
}
