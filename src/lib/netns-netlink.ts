/**
 * Open a netlink handle bound to a container netns, turning namespace problems into the CNI
 * errors a runtime expects (the cause is kept so DEL can treat a missing netns as success).
 */
import { Netlink } from '../netlink/index.js';
import { NetnsNotFoundError } from './ns/index.js';
import { CniError, ErrorCode } from '../spec/errors.js';

export function openNetlinkInNetns(netns: string): Netlink {
  if (!netns) throw new CniError(ErrorCode.InvalidEnvironmentVariables, 'CNI_NETNS is required');
  try {
    return Netlink.openIn(netns);
  } catch (err) {
    if (err instanceof NetnsNotFoundError) {
      throw new CniError(ErrorCode.InvalidNetNS, `failed to open netns "${netns}": no such namespace`, undefined, { cause: err });
    }
    throw new CniError(ErrorCode.InvalidNetNS, `failed to open netns "${netns}": ${(err as Error).message}`, undefined, { cause: err });
  }
}

/**
 * For DEL: a handle in the container netns, or undefined when there is nothing left to clean
 * there (no CNI_NETNS given, or the namespace is gone). Other failures still throw.
 */
export function openNetlinkForDel(netns: string): Netlink | undefined {
  if (!netns) return undefined;
  try {
    return openNetlinkInNetns(netns);
  } catch (err) {
    if (err instanceof CniError && err.cause instanceof NetnsNotFoundError) return undefined;
    throw err;
  }
}
