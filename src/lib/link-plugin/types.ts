/**
 * The shape shared by the plugins that give the container one link of their own kind (macvlan,
 * ipvlan, vlan, dummy, tap): a driver says how to make the link and how to recognise it in CHECK;
 * everything else (temporary name, rename, IPAM, addresses, result, DEL, CHECK, STATUS, GC) is
 * the shared module's.
 */
import type { Link } from '../../netlink/index.js';
import type { NetConf } from '../../spec/types.js';
import type { PluginContext } from '../../skel/types.js';
import type { Sandbox } from '../ifconfig/index.js';

/** Keys every link plugin reads the same way. */
export interface LinkCommon {
  /** IPAM plugin type; '' when the config has none (L2 only, or addresses from a prevResult). */
  ipamType: string;
  /** The master (parent) link lives in the container netns, not the plugin's own. */
  linkInContainer: boolean;
}

export interface LinkPluginConf extends NetConf {
  link: LinkCommon;
}

/** What a driver gets to make its link. */
export interface CreateEnv {
  /** The container namespace. */
  sb: Sandbox;
  /** The namespace the plugin runs in ("the host"). */
  host: Sandbox;
  /** Name to create the link under; the shared code renames it to CNI_IFNAME afterwards. */
  tmpName: string;
  ctx: PluginContext;
}

export interface LinkDriver<C extends LinkPluginConf> {
  /** Plugin name, as in messages ("macvlan"). */
  name: string;
  /** IFLA_INFO_KIND of the links it makes ("macvlan", "tun", ...). */
  kind: string;
  parseConfig(raw: NetConf, ctx: PluginContext): C;
  /**
   * Make the link named env.tmpName so that it ends up in the container namespace (created there,
   * or created elsewhere with IFLA_NET_NS_FD). Validate everything before making it.
   */
  create(conf: C, env: CreateEnv): void;
  /** After the rename, before addresses and link up (tap: MAC, MTU, bridge port). */
  configure?(conf: C, sb: Sandbox, link: Link, ctx: PluginContext): void;
  /** Sysctls written (best effort) before the addresses go on: the reference's per-plugin choice. */
  notify: { arp: boolean; ndisc: boolean };
  /** Without an IPAM section, take the addresses of a chained prevResult (ipvlan). */
  addressesFromPrevResult?: boolean;
  /** Messages for a missing prevResult in CHECK, as the reference words them per plugin. */
  prevResultMissing: string;
  /** CHECK: the master must still exist (macvlan, ipvlan, vlan). */
  checkMaster?(conf: C, env: { sb: Sandbox; host: Sandbox }): void;
  /** CHECK: kind-specific comparison of the container link (mode, VLAN id, MTU, up). */
  checkLink?(conf: C, link: Link): void;
  /** CHECK compares the prevResult's routes too (all but dummy). */
  checkRoutes: boolean;
}
