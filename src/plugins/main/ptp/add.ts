/**
 * ptp ADD: IPAM first (released on failure), forwarding on, a veth pair made in the container,
 * the container configured and routed through the gateway, the host end given the gateway address
 * and a route back, then (ipMasq) masquerading of the container's addresses. A failed ADD removes
 * the masquerading, deletes the veth (host routes go with it) and releases IPAM.
 */
import type { PluginContext } from '../../../skel/types.js';
import { CURRENT_VERSION, type Result } from '../../../spec/types.js';
import { CniError, ErrorCode } from '../../../spec/errors.js';
import { Rollback } from '../../../lib/rollback.js';
import { setupVeth } from '../../../lib/veth.js';
import { enableForwardingFor } from '../../../lib/forwarding.js';
import { delegateAdd, delegateDel } from '../../../skel/delegate.js';
import { Sandbox, configureInterface, hasDnsSettings } from '../../../lib/ifconfig/index.js';
import { addMasquerade, checkMasqSettings } from '../../../lib/ipmasq/plugin-steps.js';
import type { PtpConf } from './config.js';
import { ptpAddresses, routeContainerThroughGateway, routeHostToContainer } from './routes.js';

export const CONTAINER_IFACE_INDEX = 1;

export async function addPtp(conf: PtpConf, ctx: PluginContext): Promise<Result> {
  checkMasqSettings(conf.settings);
  using sb = Sandbox.open(ctx.args.netns);
  using host = Sandbox.current();
  // `return await`, not `return`: the handles above must stay open until the steps finish.
  return await Rollback.run(ctx.log, (rb) => attach(conf, ctx, sb, host, rb));
}

async function attach(conf: PtpConf, ctx: PluginContext, sb: Sandbox, host: Sandbox, rb: Rollback): Promise<Result> {
  const { ipamType, mtu } = conf.settings;
  const ifName = ctx.args.ifName;
  // Registered first: a failed delegated ADD is followed by a DEL of the delegate (SPEC section 4).
  rb.defer(`IPAM DEL (${ipamType})`, () => delegateDel(ipamType, ctx.args.stdin, ctx));
  const ipam = await delegateAdd(ipamType, ctx.args.stdin, ctx);
  const ips = (ipam.ips ?? []).map((ipc) => ({ ...ipc, interface: CONTAINER_IFACE_INDEX }));
  if (ips.length === 0) throw new CniError(ErrorCode.Internal, 'IPAM plugin returned missing IP config');
  const addrs = ptpAddresses(ips);
  enableForwardingFor(ips);

  const pair = setupVeth({ contNl: sb.nl, hostNl: host.nl, hostNsFd: host.netns.fd, contIfName: ifName, mtu });
  rb.defer(`delete veth ${ifName}`, () => sb.nl.linkDel(pair.cont.index));
  const result: Result = {
    cniVersion: CURRENT_VERSION,
    interfaces: [
      { name: pair.host.name, mac: pair.host.mac },
      { name: pair.cont.name, mac: pair.cont.mac, sandbox: ctx.args.netns },
    ],
    ips,
    routes: (ipam.routes ?? []).map((r) => ({ ...r })),
    ...(ipam.dns ? { dns: ipam.dns } : {}),
  };
  await configureInterface(sb, ifName, result, { log: ctx.log });
  routeContainerThroughGateway(sb.nl, pair.cont, addrs);
  routeHostToContainer(host.nl, pair.host, addrs);
  await addMasquerade(conf.name, conf.settings, ctx, rb, ips);
  if (hasDnsSettings(conf.dns)) result.dns = conf.dns;
  return result;
}
