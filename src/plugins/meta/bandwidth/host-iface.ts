/**
 * The host end of the container's veth, found as the reference does: the peer ifindex of CNI_IFNAME
 * (read inside the container's namespace) must name a link here that prevResult lists as a host
 * interface (no sandbox). Messages are the reference's.
 */
import { openNetlinkInNetns } from '../../../lib/netns-netlink.js';
import type { Link, Netlink } from '../../../netlink/index.js';
import { CniError, ErrorCode } from '../../../spec/errors.js';
import type { Result } from '../../../spec/types.js';

const fail = (msg: string, cause?: unknown) => new CniError(ErrorCode.Internal, msg, undefined, cause === undefined ? undefined : { cause });

function peerIndex(netns: string, ifName: string): number {
  using nl = openNetlinkInNetns(netns);
  let link: Link;
  try {
    link = nl.linkByName(ifName);
  } catch (err) {
    throw fail(`container interface ${ifName} has no veth peer: ${(err as Error).message}`, err);
  }
  if (link.kind !== 'veth' || !link.parentIndex) throw fail(`container interface ${ifName} has no veth peer: it is a ${link.kind ?? 'device'} without a peer`);
  return link.parentIndex;
}

export function hostInterface(host: Netlink, prev: Result, netns: string, ifName: string): Link {
  const interfaces = prev.interfaces ?? [];
  if (interfaces.length === 0) throw fail('no interfaces provided');
  const index = peerIndex(netns, ifName);
  let link: Link;
  try {
    link = host.linkByIndex(index);
  } catch (err) {
    throw fail(`veth peer with index ${index} is not in host ns`, err);
  }
  if (!interfaces.some((i) => !i.sandbox && i.name === link.name)) throw fail('no veth peer of container interface found in host ns');
  return link;
}
