/**
 * Wait for the host end to be operationally up before answering (the reference polls at 0, 50,
 * 500, 1000 and 1000 ms): a runtime may send traffic as soon as ADD returns.
 */
import type { Link, Netlink } from '../../../netlink/index.js';
import { BridgePortError } from './errors.js';

const RETRY_DELAYS_MS = [0, 50, 500, 1000, 1000];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitForPortUp(nl: Netlink, name: string, delays: readonly number[] = RETRY_DELAYS_MS): Promise<Link> {
  let link: Link | undefined;
  for (const delay of delays) {
    if (delay) await sleep(delay);
    link = nl.linkByName(name);
    if (link.operState === 'up') return link;
  }
  throw new BridgePortError(`bridge port in error state: ${link?.operState ?? 'unknown'}`);
}
