/** Connection tracking over our own netlink (ctnetlink): list and delete entries. */
export { Conntrack } from './client.js';
export { dumpRequest, deleteRequest, parseEntry, matches, type ConntrackEntry, type ConntrackFilter } from './messages.js';
export { writeTuple, decodeTuple, type ConntrackTuple } from './tuple.js';
export { IPPROTO, NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG, CTA, CTA_TUPLE, CTA_IP, CTA_PROTO, CTA_FILTER, CTA_FILTER_F, ctMsgType } from './consts.js';
