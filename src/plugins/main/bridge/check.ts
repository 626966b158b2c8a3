/**
 * bridge CHECK (the reference's cmdCheck): IPAM CHECK, then against the prevResult: the bridge
 * (kind, MAC, promiscuity), the container veth (MAC, in the right sandbox), a host veth that is its
 * peer and a port of the bridge, the container's addresses and routes, and (ipMasq) the
 * masquerade rules of those addresses.
 */
import type { Link, Netlink } from '../../../netlink/index.js';
import type { PluginContext } from '../../../skel/types.js';
import type { Interface, Result } from '../../../spec/types.js';
import { invalidConfig } from '../../../spec/errors.js';
import { delegateCheck } from '../../../skel/delegate.js';
import { Sandbox, validateInterfaceIPs, validateRoutes } from '../../../lib/ifconfig/index.js';
import { checkMasquerade } from '../../../lib/ipmasq/plugin-steps.js';
import type { BridgeConf } from './config.js';
import { BridgeCheckError } from './errors.js';

const sameMac = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export async function checkBridge(conf: BridgeConf, ctx: PluginContext): Promise<void> {
  const s = conf.settings;
  const { netns, ifName } = ctx.args;
  using sb = Sandbox.open(netns);
  using host = Sandbox.current();
  if (s.ipamType) await delegateCheck(s.ipamType, ctx.args.stdin, ctx);
  if (!conf.prevResult) throw invalidConfig('Required prevResult missing');
  const prev = conf.prevResult as Result;
  const interfaces = prev.interfaces ?? [];
  const brIface = interfaces.find((i) => i.name === s.bridge);
  const contIface = interfaces.find((i) => i.name === ifName && i.sandbox === netns);

  const br = checkBridgeLink(host.nl, brIface, s.promiscMode);
  if (contIface?.sandbox !== netns) throw new BridgeCheckError(`Sandbox in prevResult ${contIface?.sandbox ?? ''} doesn't match configured netns: ${netns}`);
  const cont = checkContainerVeth(sb.nl, contIface);
  const others = interfaces.filter((i) => i !== brIface && i.name !== contIface.name);
  if (!others.some((i) => isPortOf(host.nl, i, br, cont))) throw new BridgeCheckError(`CNI veth created for bridge ${s.bridge} was not found`);

  validateInterfaceIPs(sb.nl, ifName, prev.ips ?? []);
  validateRoutes(sb.nl, prev.routes ?? []);
  if (s.ipamType) await checkMasquerade(conf.name, s, ctx, prev.ips ?? []);
}

function lookup(nl: Netlink, iface: Interface | undefined, inSandbox: boolean): Link {
  if (!iface?.name) throw new BridgeCheckError('Interface name missing ');
  const link = nl.linkByNameOrNull(iface.name);
  if (!link) throw new BridgeCheckError(`Interface name ${iface.name} not found`);
  if (inSandbox && !iface.sandbox) throw new BridgeCheckError(`Interface ${iface.name} is expected to be in a sandbox`);
  if (!inSandbox && iface.sandbox) throw new BridgeCheckError(`Interface ${iface.name} should not be in sandbox`);
  return link;
}

function checkBridgeLink(nl: Netlink, iface: Interface | undefined, promiscMode: boolean): Link {
  const link = lookup(nl, iface, false);
  if (link.kind !== 'bridge') throw new BridgeCheckError(`Interface ${link.name} does not have link type of bridge`);
  if (iface?.mac && !sameMac(iface.mac, link.mac)) throw new BridgeCheckError(`Bridge interface ${link.name} Mac doesn't match: ${iface.mac}`);
  if (link.promisc !== promiscMode) {
    throw new BridgeCheckError(`Bridge interface ${link.name} configured Promisc Mode ${promiscMode} doesn't match current state: ${link.promisc}`);
  }
  return link;
}

function checkContainerVeth(nl: Netlink, iface: Interface): Link {
  const link = lookup(nl, iface, true);
  if (link.kind !== 'veth') throw new BridgeCheckError(`Error: Container interface ${link.name} not of type veth`);
  if (link.parentIndex === undefined) throw new BridgeCheckError(`Unable to obtain veth peer index for veth ${link.name}`);
  if (iface.mac && !sameMac(iface.mac, link.mac)) {
    throw new BridgeCheckError(`Interface ${iface.name} Mac ${iface.mac} doesn't match container Mac: ${link.mac}`);
  }
  return link;
}

/** Whether `iface` is the host veth peered with `cont` and enslaved to `br` (others are skipped). */
function isPortOf(nl: Netlink, iface: Interface, br: Link, cont: Link): boolean {
  if (iface.sandbox) return false;
  const link = nl.linkByNameOrNull(iface.name);
  if (!link || link.kind !== 'veth') return false;
  if (link.index !== cont.parentIndex || link.parentIndex !== cont.index || link.masterIndex !== br.index) return false;
  if (iface.mac && !sameMac(iface.mac, link.mac)) throw new BridgeCheckError(`Interface ${iface.name} Mac doesn't match: ${iface.mac} not found`);
  return true;
}
