/** Core netlink constants from <linux/netlink.h> (uapi, linux-libc-dev 6.1). */

export const NETLINK_ROUTE = 0;

/** Control message types (nlmsg_type below 0x10). */
export const NLMSG = {
  NOOP: 1,
  ERROR: 2,
  DONE: 3,
  OVERRUN: 4,
} as const;

/** nlmsg_flags. GET requests use ROOT/MATCH, NEW requests REPLACE/EXCL/CREATE/APPEND (same bits). */
export const NLM_F = {
  REQUEST: 0x1,
  MULTI: 0x2,
  ACK: 0x4,
  ECHO: 0x8,
  DUMP_INTR: 0x10,
  ROOT: 0x100,
  MATCH: 0x200,
  DUMP: 0x300,
  REPLACE: 0x100,
  EXCL: 0x200,
  CREATE: 0x400,
  APPEND: 0x800,
  /** On NLMSG_ERROR: only the request's header was echoed back. */
  CAPPED: 0x100,
  /** On NLMSG_ERROR / NLMSG_DONE: extended-ACK attributes follow. */
  ACK_TLVS: 0x200,
} as const;

/** Extended-ACK attributes carried after an NLMSG_ERROR / NLMSG_DONE payload. */
export const NLMSGERR_ATTR = {
  MSG: 1,
  OFFS: 2,
  COOKIE: 3,
  POLICY: 4,
  MISS_TYPE: 5,
  MISS_NEST: 6,
} as const;
