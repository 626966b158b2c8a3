/**
 * rtnetlink numbers used by this package, from the uapi headers of linux-libc-dev 6.1:
 * <linux/rtnetlink.h>, <linux/if_link.h>, <linux/if_addr.h>, <linux/if_bridge.h>, <linux/veth.h>,
 * <linux/if.h>. Only what the codecs read or write is listed.
 */

export const RTM = {
  NEWLINK: 16,
  DELLINK: 17,
  GETLINK: 18,
  SETLINK: 19,
  NEWADDR: 20,
  DELADDR: 21,
  GETADDR: 22,
  NEWROUTE: 24,
  DELROUTE: 25,
  GETROUTE: 26,
  NEWRULE: 32,
  DELRULE: 33,
  GETRULE: 34,
} as const;

export const AF_UNSPEC = 0;
export const AF_BRIDGE = 7;

/** net_device flags (<linux/if.h>). */
export const IFF = {
  UP: 0x1,
  BROADCAST: 0x2,
  LOOPBACK: 0x8,
  POINTOPOINT: 0x10,
  RUNNING: 0x40,
  NOARP: 0x80,
  PROMISC: 0x100,
  ALLMULTI: 0x200,
  MASTER: 0x400,
  SLAVE: 0x800,
  MULTICAST: 0x1000,
  LOWER_UP: 0x10000,
  DORMANT: 0x20000,
} as const;

export const IFLA = {
  ADDRESS: 1,
  BROADCAST: 2,
  IFNAME: 3,
  MTU: 4,
  LINK: 5,
  MASTER: 10,
  PROTINFO: 12,
  TXQLEN: 13,
  OPERSTATE: 16,
  LINKINFO: 18,
  IFALIAS: 20,
  AF_SPEC: 26,
  NET_NS_FD: 28,
  EXT_MASK: 29,
  PROMISCUITY: 30,
  LINK_NETNSID: 37,
} as const;

/** IFLA_EXT_MASK bits (RTEXT_FILTER_*). */
export const RTEXT_FILTER = {
  VF: 1 << 0,
  BRVLAN: 1 << 1,
  BRVLAN_COMPRESSED: 1 << 2,
  SKIP_STATS: 1 << 3,
} as const;

export const IFLA_INFO = {
  KIND: 1,
  DATA: 2,
  SLAVE_KIND: 4,
  SLAVE_DATA: 5,
} as const;

/** IFLA_OPERSTATE values (RFC 2863 order). */
export const OPER_STATES = ['unknown', 'notpresent', 'down', 'lowerlayerdown', 'testing', 'dormant', 'up'] as const;

export const VETH_INFO_PEER = 1;

export const IFLA_BR = {
  VLAN_FILTERING: 7,
} as const;

export const IFLA_BRPORT = {
  MODE: 4, // hairpin
  LEARNING: 8,
  ISOLATED: 33,
} as const;

export const IFLA_MACVLAN_MODE = 1;
/** IFLA_MACVLAN_BC_QUEUE_LEN (u32, kernel 5.11+): the broadcast/multicast queue length. */
export const IFLA_MACVLAN_BC_QUEUE_LEN = 7;
export const MACVLAN_MODE = { private: 1, vepa: 2, bridge: 4, passthru: 8, source: 16 } as const;

export const IFLA_IPVLAN_MODE = 1;
export const IPVLAN_MODE = { l2: 0, l3: 1, l3s: 2 } as const;

export const IFLA_VLAN_ID = 1;

export const IFLA_VRF_TABLE = 1;

export const IFLA_VXLAN = {
  ID: 1,
  GROUP: 2,
  LINK: 3,
  LOCAL: 4,
  LEARNING: 7,
  PORT: 15, // big-endian u16
  GROUP6: 16,
  LOCAL6: 17,
} as const;

/** IFLA_AF_SPEC children for AF_BRIDGE (<linux/if_bridge.h>). */
export const IFLA_BRIDGE = {
  FLAGS: 0,
  MODE: 1,
  VLAN_INFO: 2,
} as const;
export const BRIDGE_FLAGS = { MASTER: 1, SELF: 2 } as const;
export const BRIDGE_VLAN_INFO = {
  MASTER: 1 << 0,
  PVID: 1 << 1,
  UNTAGGED: 1 << 2,
  RANGE_BEGIN: 1 << 3,
  RANGE_END: 1 << 4,
  BRENTRY: 1 << 5,
} as const;

export const IFA = {
  ADDRESS: 1,
  LOCAL: 2,
  LABEL: 3,
  BROADCAST: 4,
  FLAGS: 8,
} as const;

export const IFA_F = {
  SECONDARY: 0x01,
  NODAD: 0x02,
  DADFAILED: 0x08,
  TENTATIVE: 0x40,
  PERMANENT: 0x80,
  NOPREFIXROUTE: 0x200,
} as const;

export const RTA = {
  DST: 1,
  SRC: 2,
  OIF: 4,
  GATEWAY: 5,
  PRIORITY: 6,
  PREFSRC: 7,
  METRICS: 8,
  MULTIPATH: 9,
  TABLE: 15,
} as const;

export const RTAX = { MTU: 2, ADVMSS: 8 } as const;

export const RT_TABLE = { UNSPEC: 0, COMPAT: 252, DEFAULT: 253, MAIN: 254, LOCAL: 255 } as const;
export const RT_SCOPE = { UNIVERSE: 0, SITE: 200, LINK: 253, HOST: 254, NOWHERE: 255 } as const;
export const RTPROT = { UNSPEC: 0, KERNEL: 2, BOOT: 3, STATIC: 4 } as const;
export const RTN = {
  UNSPEC: 0,
  UNICAST: 1,
  LOCAL: 2,
  BROADCAST: 3,
  ANYCAST: 4,
  MULTICAST: 5,
  BLACKHOLE: 6,
  UNREACHABLE: 7,
  PROHIBIT: 8,
  NAT: 10,
} as const;
/** rtm_flags */
export const RTM_F = { CLONED: 0x200 } as const;
/** rtnh_flags, also valid in rtm_flags for single-path routes. */
export const RTNH_F_ONLINK = 4;

/** Policy routing rule attributes (<linux/fib_rules.h>). */
export const FRA = {
  DST: 1,
  SRC: 2,
  IIFNAME: 3,
  PRIORITY: 6,
  FWMARK: 10,
  TABLE: 15,
  FWMASK: 16,
  OIFNAME: 17,
  PROTOCOL: 21,
} as const;
/** fib_rule_hdr.action */
export const FR_ACT = { TO_TBL: 1, GOTO: 2, NOP: 3, BLACKHOLE: 6, UNREACHABLE: 7, PROHIBIT: 8 } as const;
