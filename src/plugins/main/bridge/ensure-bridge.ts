/**
 * Create the bridge unless it exists, safely when several ADDs race (EEXIST means another one won:
 * look it up instead), then make sure it is a bridge, promiscuous when asked, vlan_filtering when
 * VLANs are used, accept_ra=0 (we own its routes) and up. A bridge this ADD created is removed by
 * the ADD's rollback when no other port joined it meanwhile (removeIfUnused); DEL never removes it.
 */
import { isExists, NetlinkError, type Link, type Netlink } from '../../../netlink/index.js';
import { sysctlWrite } from '../../../lib/sysctl.js';
import { BridgeSetupError } from './errors.js';

export interface EnsureBridgeOptions {
  name: string;
  /** 0: kernel default. Only applies when the bridge is created here. */
  mtu: number;
  promisc: boolean;
  vlanFiltering: boolean;
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Equivalent to: `ip link add $name type bridge [vlan_filtering 1]; ip link set $name up`. */
export function ensureBridge(nl: Netlink, opts: EnsureBridgeOptions, onCreated?: (index: number) => void): Link {
  try {
    return setUp(nl, opts, onCreated);
  } catch (err) {
    const hint = opts.vlanFiltering && isUnsupported(err) ? ' (VLANs need a kernel with CONFIG_BRIDGE_VLAN_FILTERING)' : '';
    throw new BridgeSetupError(`failed to create bridge ${JSON.stringify(opts.name)}: ${errText(err)}${hint}`, { cause: err });
  }
}

function isUnsupported(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) if (e instanceof NetlinkError && e.code === 'EOPNOTSUPP') return true;
  return false;
}

function setUp(nl: Netlink, opts: EnsureBridgeOptions, onCreated?: (index: number) => void): Link {
  let created = false;
  try {
    nl.linkAdd({ kind: 'bridge', name: opts.name, ...(opts.mtu ? { mtu: opts.mtu } : {}), ...(opts.vlanFiltering ? { vlanFiltering: true } : {}) });
    created = true;
  } catch (err) {
    if (!isExists(err)) throw new BridgeSetupError(`could not add ${JSON.stringify(opts.name)}: ${errText(err)}`, { cause: err });
  }
  const br = bridgeByName(nl, opts.name);
  if (created) onCreated?.(br.index);
  if (opts.promisc && !br.promisc) {
    try {
      nl.linkSetPromisc(br.index, true);
    } catch (err) {
      throw new BridgeSetupError(`could not set promiscuous mode on ${JSON.stringify(opts.name)}: ${errText(err)}`, { cause: err });
    }
  }
  // An existing bridge made by a config without VLANs: the port VLANs below need filtering on.
  if (opts.vlanFiltering && !br.bridge?.vlanFiltering) nl.bridgeSetVlanFiltering(br.index, true);
  try {
    sysctlWrite(`net/ipv6/conf/${opts.name}/accept_ra`, '0');
  } catch {
    // IPv6 disabled on the host: nothing to own
  }
  nl.linkSetUp(br.index);
  return nl.linkByIndex(br.index);
}

/** The link named `name`, which must be a bridge. */
export function bridgeByName(nl: Netlink, name: string): Link {
  let link: Link;
  try {
    link = nl.linkByName(name);
  } catch (err) {
    throw new BridgeSetupError(`could not lookup ${JSON.stringify(name)}: ${errText(err)}`, { cause: err });
  }
  if (link.kind !== 'bridge') throw new BridgeSetupError(`${JSON.stringify(name)} already exists but is not a bridge`);
  return link;
}

/**
 * Rollback of a bridge this ADD created: deleted unless another port (another ADD racing on the
 * same network) joined it meanwhile. Our own port is gone by then (the rollback runs newest first).
 */
export function removeIfUnused(nl: Netlink, index: number): void {
  const ports = nl.linkList().filter((l) => l.masterIndex === index);
  if (ports.length === 0) nl.linkDel(index);
}
