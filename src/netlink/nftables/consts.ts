/**
 * Numbers from the kernel uapi <linux/netfilter/nfnetlink.h> and <linux/netfilter/nf_tables.h>
 * (linux-libc-dev 6.1), plus the few nft userspace conventions the `nft` tool relies on.
 * Integer attributes inside nf_tables messages are big-endian (NLA_BE32 / NLA_BE64).
 */

export const NETLINK_NETFILTER = 12;
export const NFNETLINK_V0 = 0;
export const NFNL_SUBSYS_NFTABLES = 10;
/** Control messages framing a transaction (NLMSG_MIN_TYPE, +1). */
export const NFNL_MSG_BATCH_BEGIN = 0x10;
export const NFNL_MSG_BATCH_END = 0x11;
export const NFNL_BATCH_GENID = 1;

export const NFT_MSG = {
  NEWTABLE: 0,
  GETTABLE: 1,
  DELTABLE: 2,
  NEWCHAIN: 3,
  GETCHAIN: 4,
  DELCHAIN: 5,
  NEWRULE: 6,
  GETRULE: 7,
  DELRULE: 8,
  NEWSET: 9,
  GETSET: 10,
  DELSET: 11,
  NEWSETELEM: 12,
  GETSETELEM: 13,
  DELSETELEM: 14,
  NEWGEN: 15,
  GETGEN: 16,
} as const;

/** nlmsg_type of an nf_tables message: subsystem in the high byte. */
export const nftMsgType = (msg: number): number => (NFNL_SUBSYS_NFTABLES << 8) | msg;

/** nfgen_family values (NFPROTO_*). */
export const NFPROTO = { unspec: 0, inet: 1, ip: 2, arp: 3, netdev: 5, bridge: 7, ip6: 10 } as const;

export const NFTA_LIST_ELEM = 1;

export const NFTA_TABLE = { NAME: 1, FLAGS: 2, USE: 3, HANDLE: 4, USERDATA: 6 } as const;
export const NFT_TABLE_F = { DORMANT: 0x1, OWNER: 0x2 } as const;

export const NFTA_CHAIN = { TABLE: 1, HANDLE: 2, NAME: 3, HOOK: 4, POLICY: 5, USE: 6, TYPE: 7, COUNTERS: 8, FLAGS: 10, USERDATA: 12 } as const;
export const NFTA_HOOK = { HOOKNUM: 1, PRIORITY: 2, DEV: 3 } as const;

export const NFTA_RULE = { TABLE: 1, CHAIN: 2, HANDLE: 3, EXPRESSIONS: 4, POSITION: 6, USERDATA: 7 } as const;

export const NFTA_SET = { TABLE: 1, NAME: 2, FLAGS: 3, KEY_TYPE: 4, KEY_LEN: 5, DATA_TYPE: 6, DATA_LEN: 7, ID: 10, USERDATA: 13, HANDLE: 16 } as const;
export const NFT_SET_F = { ANONYMOUS: 0x1, CONSTANT: 0x2, INTERVAL: 0x4, MAP: 0x8, TIMEOUT: 0x10 } as const;
export const NFTA_SET_ELEM_LIST = { TABLE: 1, SET: 2, ELEMENTS: 3, SET_ID: 4 } as const;
export const NFTA_SET_ELEM = { KEY: 1, DATA: 2, FLAGS: 3 } as const;
export const NFT_SET_ELEM_INTERVAL_END = 0x1;

export const NFTA_GEN_ID = 1;

export const NFTA_EXPR = { NAME: 1, DATA: 2 } as const;
export const NFTA_DATA = { VALUE: 1, VERDICT: 2 } as const;
export const NFTA_VERDICT = { CODE: 1, CHAIN: 2 } as const;

/** Verdict codes: netfilter's NF_DROP/NF_ACCEPT and nf_tables' negative ones. */
export const NFT_VERDICT = { drop: 0, accept: 1, continue: -1, break: -2, jump: -3, goto: -4, return: -5 } as const;

/** Registers: 0 is the verdict register; 1-4 are 16 bytes wide; 8-23 are their 4-byte slices. */
export const NFT_REG = { VERDICT: 0, R1: 1, R2: 2, R3: 3, R4: 4 } as const;

/** Netfilter hook numbers per family (NF_INET_*, NF_NETDEV_*, NF_ARP_*; bridge uses the inet ones). */
export const NF_INET_HOOKS = { prerouting: 0, input: 1, forward: 2, output: 3, postrouting: 4, ingress: 5 } as const;
export const NF_NETDEV_HOOKS = { ingress: 0, egress: 1 } as const;
export const NF_ARP_HOOKS = { input: 0, output: 1, forward: 2 } as const;

/** Chain policies: NF_DROP / NF_ACCEPT. */
export const NF_POLICY = { drop: 0, accept: 1 } as const;

/** NF_NAT_RANGE_* (linux/netfilter/nf_nat.h), used by nat and masq. */
export const NF_NAT_RANGE = {
  MAP_IPS: 0x1,
  PROTO_SPECIFIED: 0x2,
  PROTO_RANDOM: 0x4,
  PERSISTENT: 0x8,
  PROTO_RANDOM_FULLY: 0x10,
  PROTO_OFFSET: 0x20,
  NETMAP: 0x40,
} as const;

/** nft's user-data TLV types (libnftnl udata.h): what `nft` stores and prints. */
export const NFTNL_UDATA_RULE_COMMENT = 0;
/** Tables and chains keep their comment under the same TLV type as rules (nft 1.0.6 sends all three alike). */
export const NFTNL_UDATA_TABLE_COMMENT = 0;
export const NFTNL_UDATA_CHAIN_COMMENT = 0;
export const NFTNL_UDATA_SET_KEYBYTEORDER = 0;
/** nft's byteorder enum, as stored in set user data. */
export const NFT_BYTEORDER = { host: 1, big: 2 } as const;
