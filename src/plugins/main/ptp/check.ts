/**
 * ptp CHECK (the reference's cmdCheck): IPAM CHECK, then the container interface of the prevResult
 * (a veth with its MAC, in this sandbox), its addresses and routes, and (ipMasq) the masquerade
 * rules of those addresses.
 */
import type { Netlink } from '../../../netlink/index.js';
import type { PluginContext } from '../../../skel/types.js';
import type { Interface, Result } from '../../../spec/types.js';
import { invalidConfig } from '../../../spec/errors.js';
import { delegateCheck } from '../../../skel/delegate.js';
import { InterfaceCheckError, Sandbox, validateInterfaceIPs, validateRoutes } from '../../../lib/ifconfig/index.js';
import { checkMasquerade } from '../../../lib/ipmasq/plugin-steps.js';
import type { PtpConf } from './config.js';

export async function checkPtp(conf: PtpConf, ctx: PluginContext): Promise<void> {
  const { netns, ifName } = ctx.args;
  using sb = Sandbox.open(netns);
  await delegateCheck(conf.settings.ipamType, ctx.args.stdin, ctx);
  if (!conf.prevResult) throw invalidConfig('ptp: Required prevResult missing');
  const prev = conf.prevResult as Result;
  const cont = (prev.interfaces ?? []).find((i) => i.name === ifName && i.sandbox === netns);
  if (!cont) throw new InterfaceCheckError(`Sandbox in prevResult  doesn't match configured netns: ${netns}`);
  checkContainerVeth(sb.nl, cont);
  validateInterfaceIPs(sb.nl, ifName, prev.ips ?? []);
  validateRoutes(sb.nl, prev.routes ?? []);
  await checkMasquerade(conf.name, conf.settings, ctx, prev.ips ?? []);
}

function checkContainerVeth(nl: Netlink, iface: Interface): void {
  const link = nl.linkByNameOrNull(iface.name);
  if (!link) throw new InterfaceCheckError(`ptp: Container Interface name in prevResult: ${iface.name} not found`);
  if (link.kind !== 'veth') throw new InterfaceCheckError(`Error: Container interface ${link.name} not of type veth/p2p`);
  if (iface.mac && iface.mac.toLowerCase() !== link.mac.toLowerCase()) {
    throw new InterfaceCheckError(`ptp: Interface ${iface.name} Mac ${iface.mac} doesn't match container Mac: ${link.mac}`);
  }
}
