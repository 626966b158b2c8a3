/** Public netlink API: the Netlink handle, its types and errors, and the address helpers. */
export { Netlink } from './netlink.js';
export { waitForOperUp, isOperUp, OperUpTimeoutError } from './wait.js';
export { NetlinkError, LinkNotFoundError, NetlinkDecodeError, isNotFound, isExists } from './errors.js';
export type {
  Link,
  LinkSpec,
  LinkKind,
  MacvlanMode,
  IpvlanMode,
  OperState,
  Addr,
  AddrAddOptions,
  RouteSpec,
  RouteInfo,
  RuleSpec,
  RuleInfo,
  BridgeVlan,
  BridgePortOptions,
  BridgeVlanOptions,
} from './route/types.js';
export { IFF, IFA_F, RT_SCOPE, RT_TABLE, RTPROT, RTN } from './route/consts.js';
export { parseIp, formatIp, parseCidr, formatCidr, maskCidr, ipv4Broadcast, type IpFamily, type IpAddress, type Cidr } from './codec/ip.js';
export { parseMac, formatMac } from './codec/mac.js';
export type { NetlinkTransport, NetlinkRequest } from './transport.js';
export { makeHandle, TC_H, type Qdisc, type QdiscRef, type QdiscSpec, type Filter, type U32RedirectSpec, type TbfParams } from './tc/index.js';
