/**
 * The master (lower) link of macvlan, ipvlan and vlan: named in the config or, when absent, the
 * link of the default route; looked up in the plugin's own namespace or, with linkInContainer, in
 * the container's. The new link is made where the master is and sent to the container with
 * IFLA_NET_NS_FD in the same request (or simply made in the container).
 */
import { constants } from 'node:os';
import { NetlinkError, type Link, type LinkSpec, type Netlink } from '../../netlink/index.js';
import { CniError, ErrorCode, invalidConfig } from '../../spec/errors.js';
import type { Sandbox } from '../ifconfig/index.js';
import type { CreateEnv, LinkDriver, LinkPluginConf } from './types.js';

export class MasterError extends Error {
  override readonly name = 'MasterError';
}

/** The link of the first default route (IPv4 first, then IPv6), as the reference's lookup. */
export function defaultRouteInterface(nl: Netlink): string {
  for (const family of [4, 6] as const) {
    const route = nl.routeList({ family }).find((r) => r.dst === (family === 4 ? '0.0.0.0/0' : '::/0') && r.index);
    if (route?.index) return nl.linkByIndex(route.index).name;
  }
  throw new MasterError('no default route interface found');
}

/** Where the master lives: the container with linkInContainer, else the plugin's namespace. */
export function masterNamespace(env: { sb: Sandbox; host: Sandbox }, linkInContainer: boolean): Sandbox {
  return linkInContainer ? env.sb : env.host;
}

export function lookupMaster(nl: Netlink, name: string): Link {
  try {
    return nl.linkByName(name);
  } catch (err) {
    throw new MasterError(`failed to lookup master ${JSON.stringify(name)}: ${(err as Error).message}`, { cause: err });
  }
}

export interface MasterOptions {
  /** Configured master; absent: the default route's link. */
  master?: string;
  linkInContainer: boolean;
  /** Requested MTU (0: default); must not exceed the master's. */
  mtu: number;
}

/** Find the master and check the MTU against it (the reference's loadConf checks). */
export function resolveMaster(env: { sb: Sandbox; host: Sandbox }, opts: MasterOptions): { where: Sandbox; master: Link } {
  const where = masterNamespace(env, opts.linkInContainer);
  const master = lookupMaster(where.nl, opts.master ?? defaultRouteInterface(where.nl));
  if (opts.mtu > master.mtu) throw invalidConfig(`invalid MTU ${opts.mtu}, must be [0, master MTU(${master.mtu})]`);
  return { where, master };
}

/**
 * Make a link on the master: `build` gets the master's index and the namespace fd to send the link
 * to (absent when it is made in the container already).
 */
export function createOnMaster(plugin: string, env: CreateEnv, opts: MasterOptions, build: (parentIndex: number, nsFd: number | undefined) => LinkSpec): void {
  const { where, master } = resolveMaster(env, opts);
  const nsFd = opts.linkInContainer ? undefined : env.sb.netns.fd;
  addLink(where.nl, plugin, build(master.index, nsFd));
}

/**
 * linkAdd with the reference's "failed to create <plugin>" message, and a plain statement when the
 * kernel lacks the link type (EOPNOTSUPP: the module is neither built in nor loadable).
 */
export function addLink(nl: Netlink, plugin: string, spec: LinkSpec): void {
  try {
    nl.linkAdd(spec);
  } catch (err) {
    if (err instanceof NetlinkError && err.errno === constants.errno.EOPNOTSUPP) {
      throw new CniError(ErrorCode.Internal, `failed to create ${plugin}: this kernel does not support link type "${spec.kind}" (not built in and no module loadable)`, undefined, { cause: err });
    }
    throw new CniError(ErrorCode.Internal, `failed to create ${plugin}: ${(err as Error).message}`, undefined, { cause: err });
  }
}

/** Settings every master-based plugin has (macvlan, ipvlan, vlan). */
export interface MasterSettings {
  /** Absent: the default route's link, looked up at ADD. */
  master?: string;
  /** 0: the kernel's default (the master's). */
  mtu: number;
}

/** What the kind adds to the link made on the master (its kind and kind data). */
export type KindSpec<C> = (conf: C, base: { name: string; parentIndex: number; mtu?: number; nsFd?: number }) => LinkSpec;

/**
 * The driver steps of a plugin whose link sits on a master: make it there (sent to the container),
 * and in CHECK make sure the master still exists.
 */
export function onMaster<C extends LinkPluginConf & { settings: MasterSettings }>(plugin: string, kindSpec: KindSpec<C>): Pick<LinkDriver<C>, 'create' | 'checkMaster'> {
  return {
    create(conf, env) {
      const { master, mtu } = conf.settings;
      createOnMaster(plugin, env, { master, linkInContainer: conf.link.linkInContainer, mtu }, (parentIndex, nsFd) =>
        kindSpec(conf, { name: env.tmpName, parentIndex, ...(mtu ? { mtu } : {}), ...(nsFd !== undefined ? { nsFd } : {}) }),
      );
    },
    checkMaster(conf, env) {
      if (conf.settings.master) lookupMaster(masterNamespace(env, conf.link.linkInContainer).nl, conf.settings.master);
    },
  };
}
