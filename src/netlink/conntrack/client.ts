/**
 * The connection tracking table over NETLINK_NETFILTER (no `conntrack` process): list entries of
 * one family, delete one entry, or delete every entry a filter selects the way `conntrack -D`
 * does (dump, then one DELETE per entry). A single DELETE without a tuple would be a flush: on
 * kernels before 6.4 it ignores tuple filters and empties the whole table, so it is never sent.
 */
import { NetlinkChannel } from '../channel.js';
import { NetlinkError } from '../errors.js';
import { NetlinkSocket } from '../socket.js';
import type { NetlinkTransport } from '../transport.js';
import { withNetns, type Netns } from '../../lib/ns/index.js';
import { NETLINK_NETFILTER } from './consts.js';
import { deleteRequest, dumpRequest, matches, parseEntry, type ConntrackEntry, type ConntrackFilter } from './messages.js';

/** Errors of a kernel that does not understand CTA_FILTER in a dump: retry without it. */
const FILTER_UNSUPPORTED = new Set(['EINVAL', 'EOPNOTSUPP', 'ENOTSUPP']);

export class Conntrack implements Disposable {
  /** Use open / openIn; tests may pass a fake transport. */
  constructor(private readonly transport: NetlinkTransport) {}

  /** A socket in the calling thread's current netns. */
  static open(): Conntrack {
    return new Conntrack(new NetlinkChannel(NetlinkSocket.open(NETLINK_NETFILTER)));
  }

  /** Enter `ns` just long enough to create the socket; it keeps acting there. */
  static openIn(ns: string | number | Netns): Conntrack {
    return withNetns(ns, () => Conntrack.open());
  }

  /** Entries of the filter's family that match it. */
  list(filter: ConntrackFilter): ConntrackEntry[] {
    let messages;
    try {
      messages = this.transport.dump(dumpRequest(filter, true));
    } catch (err) {
      if (!(err instanceof NetlinkError && FILTER_UNSUPPORTED.has(err.code))) throw err;
      messages = this.transport.dump(dumpRequest(filter, false));
    }
    const out: ConntrackEntry[] = [];
    for (const m of messages) {
      const e = parseEntry(m.payload);
      if (e && matches(e, filter)) out.push(e);
    }
    return out;
  }

  /** Delete one entry; false when it was already gone (expired, or deleted by someone else). */
  delete(entry: ConntrackEntry): boolean {
    try {
      this.transport.request(deleteRequest(entry));
      return true;
    } catch (err) {
      if (err instanceof NetlinkError && err.code === 'ENOENT') return false;
      throw err;
    }
  }

  /**
   * Delete every entry the filter (and `also`, when given) selects; returns how many this call
   * removed. Each call is one dump, and a dump walks the kernel's whole conntrack hash table
   * (~10 ms with 256k buckets): select several ports with one protocol filter plus `also`
   * rather than one call per port.
   */
  deleteMatching(filter: ConntrackFilter, also?: (e: ConntrackEntry) => boolean): number {
    let n = 0;
    for (const e of this.list(filter)) if ((!also || also(e)) && this.delete(e)) n++;
    return n;
  }

  close(): void {
    this.transport.close();
  }
  [Symbol.dispose](): void {
    this.close();
  }
}
