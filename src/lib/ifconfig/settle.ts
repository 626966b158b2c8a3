/**
 * Wait until no address of a link is tentative (IPv6 DAD done), polling like the reference's
 * ip.SettleAddresses: the kernel sends no event we could wait on without a subscription.
 */
import type { Netlink } from '../../netlink/index.js';
import { IFA_F } from '../../netlink/route/consts.js';
import { InterfaceConfigError } from './errors.js';

export const DAD_TIMEOUT_MS = 5000;
const POLL_MS = 100;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface SettleOptions {
  index: number;
  /** For messages. */
  ifName: string;
  timeoutMs?: number;
}

/** Resolves once every address is usable; throws on a failed DAD or after the timeout. */
export async function settleAddresses(nl: Netlink, opts: SettleOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? DAD_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const addrs = nl.addrList({ index: opts.index });
    const failed = addrs.find((a) => a.flags & IFA_F.DADFAILED);
    if (failed) throw new InterfaceConfigError(`address ${failed.cidr} on ${opts.ifName} failed duplicate address detection`);
    if (!addrs.some((a) => a.flags & IFA_F.TENTATIVE)) return;
    if (Date.now() >= deadline) {
      throw new InterfaceConfigError(`link ${opts.ifName} still has tentative addresses after ${timeoutMs / 1000} seconds`);
    }
    await sleep(POLL_MS);
  }
}
