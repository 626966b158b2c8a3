/** Pure IP/CIDR helpers for IPAM: parse, format, compare, step, contain, network/broadcast. */
export { IpAddress, InvalidIpError, FAMILY_BITS, type IpFamily } from './address.js';
export { IpNet } from './cidr.js';
export { formatIPv4, formatIPv6, parseIPv4Text, parseIPv6Text } from './text.js';
export { parseRoutes } from './routes.js';
