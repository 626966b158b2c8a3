/** Traffic-control constants from <linux/rtnetlink.h>, <linux/pkt_sched.h>, <linux/pkt_cls.h>, <linux/tc_act/tc_mirred.h> (uapi 6.1). */

export const RTM_TC = {
  NEWQDISC: 36,
  DELQDISC: 37,
  GETQDISC: 38,
  NEWTFILTER: 44,
  DELTFILTER: 45,
  GETTFILTER: 46,
} as const;

/** Top-level attributes of a tc message. */
export const TCA = {
  KIND: 1,
  OPTIONS: 2,
  STATS: 3,
  XSTATS: 4,
  STATS2: 7,
  CHAIN: 11,
} as const;

export const TC_H = {
  ROOT: 0xffffffff,
  INGRESS: 0xfffffff1,
  /** The ingress qdisc's own handle, ffff:0. */
  INGRESS_HANDLE: 0xffff0000,
} as const;

/** major:minor as the kernel packs a handle (`tc` writes it "1:0"). */
export const makeHandle = (major: number, minor: number): number => (((major & 0xffff) << 16) | (minor & 0xffff)) >>> 0;

export const TCA_TBF = {
  PARMS: 1,
  RTAB: 2,
  PTAB: 3,
  RATE64: 4,
  PRATE64: 5,
  BURST: 6,
  PBURST: 7,
} as const;

export const TCA_U32 = {
  CLASSID: 1,
  HASH: 2,
  LINK: 3,
  DIVISOR: 4,
  SEL: 5,
  POLICE: 6,
  ACT: 7,
} as const;

export const TC_U32_TERMINAL = 1;

export const TCA_ACT = {
  KIND: 1,
  OPTIONS: 2,
} as const;

export const TCA_MIRRED_PARMS = 2;
export const TCA_EGRESS_REDIR = 1;
/** TC_ACT_STOLEN: what a redirect returns (the packet is consumed). */
export const TC_ACT_STOLEN = 4;

export const ETH_P_ALL = 0x0003;
export const TC_LINKLAYER_ETHERNET = 1;
