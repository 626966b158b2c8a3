/** Public shapes of links, addresses and routes as the Netlink handle reads and writes them. */
import type { IpFamily } from '../codec/ip.js';

export type OperState = 'up' | 'down' | 'unknown' | 'lowerlayerdown' | 'dormant' | 'notpresent' | 'testing';

export interface Link {
  index: number;
  name: string;
  /** IFLA_INFO_KIND ('veth', 'bridge', ...); absent for plain devices such as lo or eth0. */
  kind?: string;
  mtu: number;
  /** Lowercase "aa:bb:cc:dd:ee:ff"; empty when the device has no hardware address. */
  mac: string;
  /** ifi_flags (IFF_*). */
  flags: number;
  up: boolean;
  operState: OperState | string;
  masterIndex?: number;
  /** IFLA_LINK: the lower device, or for veth the peer's index (in `linkNetnsId`'s netns if set). */
  parentIndex?: number;
  linkNetnsId?: number;
  promisc: boolean;
  txQLen?: number;
  alias?: string;
  /** Present when the link is a bridge port (IFLA_INFO_SLAVE_DATA). */
  bridgePort?: { hairpin?: boolean; isolated?: boolean; learning?: boolean };
  /** Present when the link is a bridge (IFLA_INFO_DATA). */
  bridge?: { vlanFiltering?: boolean };
  /** Mode of a macvlan / macvtap link (IFLA_INFO_DATA). */
  macvlanMode?: MacvlanMode;
  /** Mode of an ipvlan link (IFLA_INFO_DATA). */
  ipvlanMode?: IpvlanMode;
  /** 802.1Q id of a vlan link (IFLA_INFO_DATA). */
  vlanId?: number;
  /** Present when the link is a VRF (IFLA_INFO_DATA): its routing table. */
  vrf?: { table: number };
}

export type MacvlanMode = 'private' | 'vepa' | 'bridge' | 'passthru' | 'source';
export type IpvlanMode = 'l2' | 'l3' | 'l3s';

export type LinkSpec =
  | { kind: 'veth'; name: string; mtu?: number; mac?: string; peer: { name: string; mac?: string; mtu?: number; nsFd?: number } }
  | { kind: 'bridge'; name: string; mtu?: number; mac?: string; vlanFiltering?: boolean }
  | { kind: 'macvlan'; name: string; parentIndex: number; mode: MacvlanMode; mtu?: number; mac?: string; nsFd?: number; bcQueueLen?: number }
  | { kind: 'vxlan'; name: string; vni: number; port?: number; local?: string; group?: string; parentIndex?: number; learning?: boolean; mtu?: number }
  | { kind: 'ifb' | 'dummy'; name: string; mtu?: number; txQLen?: number; mac?: string; nsFd?: number }
  | { kind: 'ipvlan'; name: string; parentIndex: number; mode: IpvlanMode; mtu?: number; nsFd?: number }
  | { kind: 'vlan'; name: string; parentIndex: number; vlanId: number; mtu?: number; nsFd?: number }
  | { kind: 'vrf'; name: string; table: number };

export type LinkKind = LinkSpec['kind'];

export interface Addr {
  index: number;
  family: IpFamily;
  address: string;
  prefixLen: number;
  /** "10.0.0.2/24": the address with its prefix length, host bits kept. */
  cidr: string;
  scope: number;
  /** IFA_F_* (from IFA_FLAGS when present, so above 0xff too). */
  flags: number;
  label?: string;
}

export interface AddrAddOptions {
  noDad?: boolean;
  noPrefixRoute?: boolean;
  scope?: number;
  /** IPv4 broadcast; by default computed for prefixes shorter than /31 (as Go's netlink.AddrAdd). */
  broadcast?: string;
  /** NLM_F_REPLACE instead of NLM_F_EXCL. */
  replace?: boolean;
}

export interface RouteSpec {
  /** CIDR; "0.0.0.0/0" or "::/0" for a default route. Host bits are cleared. */
  dst: string;
  gw?: string;
  /** RTA_OIF */
  index?: number;
  /** RTA_PREFSRC */
  src?: string;
  /** Default: main (254). */
  table?: number;
  scope?: number;
  /** RTA_PRIORITY (metric) */
  priority?: number;
  protocol?: number;
  type?: number;
  mtu?: number;
  advmss?: number;
  onlink?: boolean;
}

export interface RouteInfo extends Required<Pick<RouteSpec, 'dst' | 'table' | 'scope' | 'protocol' | 'type'>> {
  gw?: string;
  index?: number;
  src?: string;
  priority?: number;
  mtu?: number;
  advmss?: number;
  /** RTNH_F_ONLINK: the gateway is used as if on the link, whatever its subnet. */
  onlink?: boolean;
  family: IpFamily;
  /** The next hops of a multipath route (an IPv6 route appended beside another with another gateway). */
  nexthops?: { gw?: string; index: number }[];
}

export interface BridgeVlan {
  vid: number;
  pvid: boolean;
  untagged: boolean;
}

export interface BridgePortOptions {
  hairpin?: boolean;
  isolated?: boolean;
  learning?: boolean;
}

export interface BridgeVlanOptions {
  pvid?: boolean;
  untagged?: boolean;
  /** Act on the bridge device itself (`bridge vlan add ... self`). */
  self?: boolean;
  /** [first, last]: add every VLAN id in the range (then `vid` is ignored). */
  range?: [number, number];
}

/** A policy routing rule that looks a table up (`ip rule add ... table T`). */
export interface RuleSpec {
  /** Needed only when the rule has neither src nor dst. */
  family?: IpFamily;
  /** CIDR ("10.0.0.2/32"); host bits are cleared. */
  src?: string;
  dst?: string;
  /** Preference; the kernel picks one below the lowest existing when absent. */
  priority?: number;
  iifName?: string;
  oifName?: string;
  /** Default: main (254). */
  table?: number;
}

export interface RuleInfo {
  family: IpFamily;
  table: number;
  /** FR_ACT_* (1 = look up a table). */
  action: number;
  priority: number;
  src?: string;
  dst?: string;
  iifName?: string;
  oifName?: string;
}
