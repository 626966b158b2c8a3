/**
 * Wait for the host end to be operationally up before answering: a runtime may send traffic as
 * soon as ADD returns. The reference sleeps 0, 50, 500, 1000 and 1000 ms between looks (so most
 * ADDs pay 50 ms); we look again after 1, 2, 4, ... 20 ms within the same 2.55 s bound.
 */
import type { Link, Netlink } from '../../../netlink/index.js';
import { pollUntil } from '../../../lib/poll.js';
import { BridgePortError } from './errors.js';

/** The reference's total wait (0 + 50 + 500 + 1000 + 1000 ms). */
export const PORT_UP_TIMEOUT_MS = 2550;

export async function waitForPortUp(nl: Netlink, name: string, timeoutMs = PORT_UP_TIMEOUT_MS): Promise<Link> {
  let link: Link | undefined;
  const up = await pollUntil(() => {
    link = nl.linkByName(name);
    return link.operState === 'up' ? link : undefined;
  }, { timeoutMs });
  if (up) return up;
  throw new BridgePortError(`bridge port in error state: ${link?.operState ?? 'unknown'}`);
}
