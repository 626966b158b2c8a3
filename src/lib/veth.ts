/**
 * Create a veth pair from inside the container namespace with the peer placed straight into the
 * host namespace (so a container name such as eth0 never clashes with a host link), like the
 * reference's ip.SetupVeth: host end named `veth%08x` at random and retried on a collision, host
 * end up with accept_ra=0 (we own its routes). The container end is left down: the caller brings it
 * up after its addresses are in place (arp_notify then announces them).
 */
import { randomHex } from './random.js';
import { isExists, isNotFound, type Link, type Netlink } from '../netlink/index.js';
import { sysctlWrite } from './sysctl.js';

const NAME_ATTEMPTS = 10;

export class VethError extends Error {
  override readonly name = 'VethError';
}

export interface SetupVethOptions {
  /** Handle in the namespace where the container end is made (the container netns). */
  contNl: Netlink;
  /** Handle in the namespace the host end goes to; it must be the calling thread's namespace (accept_ra is written there). */
  hostNl: Netlink;
  /** Namespace fd of the host end's namespace. */
  hostNsFd: number;
  contIfName: string;
  /** Fixed host-side name (no retry on a collision); random `veth%08x` when absent. */
  hostIfName?: string;
  /** 0 or absent: the kernel's default. Applies to both ends. */
  mtu?: number;
  /** MAC of the container end ("aa:bb:cc:dd:ee:ff"). */
  contMac?: string;
}

export interface VethPair {
  host: Link;
  cont: Link;
}

/** "veth" + 8 random hex digits (NetworkManager ignores veth* devices). */
export function randomVethName(): string {
  return `veth${randomHex(4)}`;
}

export function setupVeth(opts: SetupVethOptions): VethPair {
  const hostName = createPair(opts);
  let cont: Link | undefined;
  try {
    cont = opts.contNl.linkByName(opts.contIfName);
    const host = lookupHost(opts.hostNl, hostName);
    bringHostEndUp(opts.hostNl, host);
    return { host: opts.hostNl.linkByIndex(host.index), cont };
  } catch (err) {
    // Deleting either end removes the pair.
    try {
      const c = cont ?? opts.contNl.linkByNameOrNull(opts.contIfName);
      if (c) opts.contNl.linkDel(c.index);
    } catch {
      // best effort; the original error matters
    }
    throw err;
  }
}

/** Make the pair, retrying random host names that are taken; returns the host-side name. */
function createPair(opts: SetupVethOptions): string {
  for (let attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
    const peer = opts.hostIfName ?? randomVethName();
    try {
      opts.contNl.linkAdd({
        kind: 'veth',
        name: opts.contIfName,
        ...(opts.mtu ? { mtu: opts.mtu } : {}),
        ...(opts.contMac ? { mac: opts.contMac } : {}),
        peer: { name: peer, nsFd: opts.hostNsFd, ...(opts.mtu ? { mtu: opts.mtu } : {}) },
      });
      return peer;
    } catch (err) {
      if (!isExists(err)) throw new VethError(`failed to make veth pair: ${(err as Error).message}`, { cause: err });
      // A random host name may simply be taken: try another. Otherwise the container name is.
      if (opts.hostIfName === undefined && opts.hostNl.linkByNameOrNull(peer)) continue;
      throw new VethError(`container veth name (${JSON.stringify(opts.contIfName)}) peer provided (${JSON.stringify(peer)}) already exists`, { cause: err });
    }
  }
  throw new VethError('failed to find a unique veth name');
}

function lookupHost(hostNl: Netlink, name: string): Link {
  try {
    return hostNl.linkByName(name);
  } catch (err) {
    throw new VethError(`failed to lookup ${JSON.stringify(name)} in the host namespace: ${(err as Error).message}`, { cause: err });
  }
}

function bringHostEndUp(hostNl: Netlink, host: Link): void {
  try {
    hostNl.linkSetUp(host.index);
  } catch (err) {
    throw new VethError(`failed to set ${JSON.stringify(host.name)} up: ${(err as Error).message}`, { cause: err });
  }
  try {
    sysctlWrite(`net/ipv6/conf/${host.name}/accept_ra`, '0');
  } catch {
    // IPv6 may be disabled on the host: nothing to own then
  }
}

/**
 * DEL's half: remove the container end (the pair goes with it). Missing is fine: DEL may run
 * twice. Returns whether a link was deleted.
 */
export function deleteContainerLink(contNl: Netlink, ifName: string): boolean {
  const link = contNl.linkByNameOrNull(ifName);
  if (!link) return false;
  try {
    contNl.linkDel(link.index);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw new VethError(`failed to delete ${JSON.stringify(ifName)}: ${(err as Error).message}`, { cause: err });
  }
}
