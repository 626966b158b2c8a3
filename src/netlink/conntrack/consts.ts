/**
 * ctnetlink constants from <linux/netfilter/nfnetlink_conntrack.h> and the kernel's
 * net/netfilter/nf_internals.h (the CTA_FILTER flag bits are not in the uapi header).
 */
import { NETLINK_NETFILTER } from '../nftables/consts.js';

export { NETLINK_NETFILTER };

export const NFNL_SUBSYS_CTNETLINK = 1;

export const IPCTNL_MSG = {
  NEW: 0,
  GET: 1,
  DELETE: 2,
} as const;

/** Message type on the wire: subsystem in the high byte. */
export const ctMsgType = (msg: number): number => (NFNL_SUBSYS_CTNETLINK << 8) | msg;

/** enum ctattr_type (top-level attributes of a conntrack entry). */
export const CTA = {
  TUPLE_ORIG: 1,
  TUPLE_REPLY: 2,
  STATUS: 3,
  TIMEOUT: 7,
  MARK: 8,
  USE: 11,
  ID: 12,
  ZONE: 18,
  FILTER: 25,
} as const;

/** enum ctattr_tuple. */
export const CTA_TUPLE = {
  IP: 1,
  PROTO: 2,
  ZONE: 3,
} as const;

/** enum ctattr_ip. */
export const CTA_IP = {
  V4_SRC: 1,
  V4_DST: 2,
  V6_SRC: 3,
  V6_DST: 4,
} as const;

/** enum ctattr_l4proto. */
export const CTA_PROTO = {
  NUM: 1,
  SRC_PORT: 2,
  DST_PORT: 3,
} as const;

/** enum ctattr_filter (Linux 5.9+): which tuple fields of CTA_TUPLE_ORIG/REPLY a dump matches. */
export const CTA_FILTER = {
  ORIG_FLAGS: 1,
  REPLY_FLAGS: 2,
} as const;

/** CTA_FILTER_F_* (nf_internals.h). */
export const CTA_FILTER_F = {
  IP_SRC: 1 << 0,
  IP_DST: 1 << 1,
  TUPLE_ZONE: 1 << 2,
  PROTO_NUM: 1 << 3,
  PROTO_SRC_PORT: 1 << 4,
  PROTO_DST_PORT: 1 << 5,
} as const;

export const IPPROTO = {
  TCP: 6,
  UDP: 17,
  SCTP: 132,
} as const;
