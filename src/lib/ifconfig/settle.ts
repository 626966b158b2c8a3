/**
 * Wait until no address of a link is tentative (IPv6 DAD done), polling like the reference's
 * ip.SettleAddresses (which looks every 100 ms): we look after 1, 2, 4, ... 50 ms, bounded by the
 * same timeout, so an address that settles at once costs no sleep.
 */
import type { Netlink } from '../../netlink/index.js';
import { IFA_F } from '../../netlink/route/consts.js';
import { InterfaceConfigError } from './errors.js';
import { pollUntil } from '../poll.js';

export const DAD_TIMEOUT_MS = 5000;

export interface SettleOptions {
  index: number;
  /** For messages. */
  ifName: string;
  timeoutMs?: number;
}

/** Resolves once every address is usable; throws on a failed DAD or after the timeout. */
export async function settleAddresses(nl: Netlink, opts: SettleOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? DAD_TIMEOUT_MS;
  const settled = await pollUntil(() => {
    const addrs = nl.addrList({ index: opts.index });
    const failed = addrs.find((a) => a.flags & IFA_F.DADFAILED);
    if (failed) throw new InterfaceConfigError(`address ${failed.cidr} on ${opts.ifName} failed duplicate address detection`);
    return addrs.some((a) => a.flags & IFA_F.TENTATIVE) ? undefined : true;
  }, { timeoutMs, maxPauseMs: 50 });
  if (!settled) throw new InterfaceConfigError(`link ${opts.ifName} still has tentative addresses after ${timeoutMs / 1000} seconds`);
}
