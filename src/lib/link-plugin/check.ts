/**
 * CHECK of a link plugin (the reference's cmdCheck): IPAM CHECK, the prevResult's interface in
 * this sandbox, the master still there, the container link of the right kind (and mode, VLAN id...)
 * with the prevResult's MAC, then its addresses and routes.
 */
import type { Interface, Result } from '../../spec/types.js';
import type { PluginContext } from '../../skel/types.js';
import type { Link, Netlink } from '../../netlink/index.js';
import { delegateCheck } from '../../skel/delegate.js';
import { InterfaceCheckError, Sandbox, validateInterfaceIPs, validateRoutes } from '../ifconfig/index.js';
import type { LinkDriver, LinkPluginConf } from './types.js';

export async function checkLinkAttachment<C extends LinkPluginConf>(driver: LinkDriver<C>, conf: C, ctx: PluginContext): Promise<void> {
  const { netns, ifName } = ctx.args;
  using sb = Sandbox.open(netns);
  if (conf.link.ipamType) await delegateCheck(conf.link.ipamType, ctx.args.stdin, ctx);
  if (!conf.prevResult) throw new InterfaceCheckError(driver.prevResultMissing);
  const prev = conf.prevResult as Result;
  const iface = containerInterface(prev, ifName, netns);
  if (driver.checkMaster) {
    using host = Sandbox.current();
    driver.checkMaster(conf, { sb, host });
  }
  const link = checkContainerLink(sb.nl, iface, driver.kind);
  driver.checkLink?.(conf, link);
  validateInterfaceIPs(sb.nl, ifName, prev.ips ?? []);
  if (driver.checkRoutes) validateRoutes(sb.nl, prev.routes ?? []);
}

/** The prevResult's interface named CNI_IFNAME in CNI_NETNS. */
export function containerInterface(prev: Result, ifName: string, netns: string): Interface {
  const iface = (prev.interfaces ?? []).find((i) => i.name === ifName && i.sandbox === netns);
  if (!iface) throw new InterfaceCheckError(`Sandbox in prevResult  doesn't match configured netns: ${netns}`);
  return iface;
}

/** The link exists, is of `kind` (any kind when undefined) and has the prevResult's MAC. */
export function checkContainerLink(nl: Netlink, iface: Interface, kind: string | undefined): Link {
  const link = nl.linkByNameOrNull(iface.name);
  if (!link) throw new InterfaceCheckError(`Container Interface name in prevResult: ${iface.name} not found`);
  if (kind && link.kind !== kind) throw new InterfaceCheckError(`Error: Container interface ${link.name} not of type ${kind}`);
  if (iface.mac && iface.mac.toLowerCase() !== link.mac.toLowerCase()) {
    throw new InterfaceCheckError(`Interface ${iface.name} Mac ${iface.mac} doesn't match container Mac: ${link.mac}`);
  }
  return link;
}
