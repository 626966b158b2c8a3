/**
 * Moving the device between the host and the container. In: one request moves it and renames it
 * to CNI_IFNAME (so a device named like a container link never clashes), then its original name is
 * kept as its ifalias (the reference's convention, which survives any move) and it is brought up.
 * Out: the reverse, under the alias; then the host-side state recorded at ADD is put back.
 */
import { isExists, type Link, type Netlink } from '../../../netlink/index.js';
import type { Logger } from '../../../log/logger.js';
import type { Sandbox } from '../../../lib/ifconfig/index.js';
import { HostDeviceError } from './find.js';
import type { HostDeviceState } from './state.js';

const msg = (err: unknown) => (err as Error).message;

export function moveIn(host: Sandbox, sb: Sandbox, dev: Link, ifName: string): Link {
  try {
    host.nl.linkSetNetns(dev.index, sb.netns.fd, ifName);
  } catch (err) {
    throw new HostDeviceError(`failed to move link ${dev.name} into the container as ${ifName}: ${msg(err)}`, { cause: err });
  }
  const cont = sb.nl.linkByName(ifName);
  try {
    sb.nl.linkSetAlias(cont.index, dev.name);
    sb.nl.linkSetUp(cont.index);
  } catch (err) {
    throw new HostDeviceError(`failed to set up ${ifName} (was ${dev.name}): ${msg(err)}`, { cause: err });
  }
  return sb.nl.linkByIndex(cont.index);
}

/** Back to the host under its original name; on failure it stays in the container as it was. */
export function moveOut(sb: Sandbox, host: Sandbox, link: Link, state: HostDeviceState | undefined, log?: Logger): void {
  const name = link.alias || state?.name;
  if (!name) throw new HostDeviceError(`cannot move ${link.name} back to the host: its original name (ifalias) is not recorded`);
  sb.nl.linkSetDown(link.index);
  try {
    sb.nl.linkSetNetns(link.index, host.netns.fd, name);
  } catch (err) {
    if (link.up) sb.nl.linkSetUp(link.index);
    throw new HostDeviceError(`failed to move ${link.name} to the host netns as ${JSON.stringify(name)}: ${msg(err)}`, { cause: err });
  }
  restoreOnHost(host.nl, host.nl.linkByName(name), state, log);
}

/**
 * The device came back by itself: the kernel moves a physical device to the initial namespace when
 * its namespace is destroyed, keeping its name (CNI_IFNAME) if free, else "devN", and its ifalias.
 * Find it by that alias and give it its name back. Returns whether the device is on the host now.
 */
export function reclaimReturned(host: Sandbox, name: string, state: HostDeviceState | undefined, log?: Logger): boolean {
  const links = host.nl.linkList();
  const back = links.find((l) => l.name !== name && l.alias === name);
  if (!back) return links.some((l) => l.name === name);
  host.nl.linkSetDown(back.index);
  try {
    host.nl.linkSetName(back.index, name);
  } catch (err) {
    throw new HostDeviceError(`failed to restore ${back.name} to original name ${JSON.stringify(name)}: ${msg(err)}`, { cause: err });
  }
  restoreOnHost(host.nl, host.nl.linkByIndex(back.index), state, log);
  return true;
}

/** Alias, addresses and up state as recorded at ADD (best effort per address). */
function restoreOnHost(nl: Netlink, dev: Link, state: HostDeviceState | undefined, log?: Logger): void {
  nl.linkSetAlias(dev.index, state?.alias ?? '');
  if (!state) return;
  for (const cidr of state.addresses) {
    try {
      nl.addrAdd(dev.index, cidr);
    } catch (err) {
      if (!isExists(err)) log?.warn({ err, cidr, dev: dev.name }, 'could not restore an address of the host device');
    }
  }
  if (state.up) nl.linkSetUp(dev.index);
}
