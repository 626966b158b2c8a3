/**
 * ADD of a link plugin: the driver makes the link under a temporary name (a name like eth0 may be
 * taken in the namespace the link is made in), it is renamed to CNI_IFNAME in the container, the
 * IPAM plugin (if any) is asked for addresses, which are applied with the routes; L2 only: the link
 * is just brought up. A failure removes the link and releases IPAM (rollback, newest first).
 */
import type { Link } from '../../netlink/index.js';
import type { PluginContext } from '../../skel/types.js';
import { CURRENT_VERSION, type IPConfig, type Result, type Route } from '../../spec/types.js';
import { CniError, ErrorCode } from '../../spec/errors.js';
import { delegateAdd, delegateDel } from '../../skel/delegate.js';
import { Rollback } from '../rollback.js';
import { randomVethName } from '../veth.js';
import { Sandbox, configureInterface, hasDnsSettings, trySysctl } from '../ifconfig/index.js';
import type { LinkDriver, LinkPluginConf } from './types.js';

export async function addLinkAttachment<C extends LinkPluginConf>(driver: LinkDriver<C>, conf: C, ctx: PluginContext): Promise<Result> {
  using sb = Sandbox.open(ctx.args.netns);
  using host = Sandbox.current();
  return await Rollback.run(ctx.log, (rb) => attach(driver, conf, ctx, sb, host, rb));
}

async function attach<C extends LinkPluginConf>(driver: LinkDriver<C>, conf: C, ctx: PluginContext, sb: Sandbox, host: Sandbox, rb: Rollback): Promise<Result> {
  const ifName = ctx.args.ifName;
  const tmpName = randomVethName();
  driver.create(conf, { sb, host, tmpName, ctx });
  const link = renameInContainer(driver.name, sb, tmpName, ifName);
  rb.defer(`delete ${driver.name} ${ifName}`, () => sb.nl.linkDel(link.index));
  driver.configure?.(conf, sb, link, ctx);

  const addressing = await addresses(driver, conf, ctx, rb);
  const made = sb.nl.linkByIndex(link.index);
  const result: Result = {
    cniVersion: CURRENT_VERSION,
    interfaces: [{ name: made.name, mac: made.mac, sandbox: ctx.args.netns }],
    ...(addressing ? { ips: addressing.ips, routes: addressing.routes } : {}),
    ...(addressing?.dns ? { dns: addressing.dns } : {}),
  };
  if (addressing) {
    sb.run(() => {
      if (driver.notify.arp) trySysctl(`net/ipv4/conf/${ifName}/arp_notify`, '1', ctx.log);
      if (driver.notify.ndisc) trySysctl(`net/ipv6/conf/${ifName}/ndisc_notify`, '1', ctx.log);
    });
    await configureInterface(sb, ifName, result, { log: ctx.log });
  } else {
    setUp(sb, made);
  }
  if (hasDnsSettings(conf.dns)) result.dns = conf.dns;
  return result;
}

/** The reference's ip.RenameLink, done in the container; a failure deletes the new link. */
function renameInContainer(plugin: string, sb: Sandbox, tmpName: string, ifName: string): Link {
  const link = sb.nl.linkByName(tmpName);
  try {
    sb.nl.linkSetName(link.index, ifName);
  } catch (err) {
    try {
      sb.nl.linkDel(link.index);
    } catch {
      // the rename error is the one to report
    }
    throw new CniError(ErrorCode.Internal, `failed to rename ${plugin} to ${JSON.stringify(ifName)}: ${(err as Error).message}`, undefined, { cause: err });
  }
  return link;
}

function setUp(sb: Sandbox, link: Link): void {
  try {
    sb.nl.linkSetUp(link.index);
  } catch (err) {
    throw new CniError(ErrorCode.Internal, `failed to set ${JSON.stringify(link.name)} UP: ${(err as Error).message}`, undefined, { cause: err });
  }
}

interface Addressing {
  ips: IPConfig[];
  routes: Route[];
  dns?: Result['dns'];
}

/** From the IPAM plugin (released on a later failure), or a chained prevResult; none: L2 only. */
async function addresses<C extends LinkPluginConf>(driver: LinkDriver<C>, conf: C, ctx: PluginContext, rb: Rollback): Promise<Addressing | undefined> {
  const { ipamType } = conf.link;
  let from: Result;
  if (ipamType) {
    // Registered first: a failed delegated ADD is followed by a DEL of the delegate (SPEC section 4).
    rb.defer(`IPAM DEL (${ipamType})`, () => delegateDel(ipamType, ctx.args.stdin, ctx));
    from = await delegateAdd(ipamType, ctx.args.stdin, ctx);
    if ((from.ips ?? []).length === 0) throw new CniError(ErrorCode.Internal, 'IPAM plugin returned missing IP config');
  } else {
    const prev = conf.prevResult as Result | undefined;
    if (!driver.addressesFromPrevResult || !prev || (prev.ips ?? []).length === 0) return undefined;
    from = prev;
  }
  return {
    // Every address belongs to the one interface of the result.
    ips: (from.ips ?? []).map((ipc) => ({ ...ipc, interface: 0 })),
    routes: (from.routes ?? []).map((r) => ({ ...r })),
    ...(from.dns ? { dns: from.dns } : {}),
  };
}
