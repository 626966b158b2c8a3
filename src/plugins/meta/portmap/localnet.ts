/**
 * Localhost access to a host port: a connection from 127.0.0.1 DNAT'ed to the container must
 * cross a routing boundary, which the kernel refuses for 127/8 sources ("martians") unless
 * route_localnet is set on the outgoing interface. As the reference, find the interface that
 * routes to the container (RTM_GETROUTE, honouring policy routing) and set it there.
 * The route lookup (RTM_GETROUTE) is done here until the shared Netlink handle grows a routeGet().
 */
import { AttrWriter, Attrs } from '../../../netlink/codec/attr.js';
import { familyToAf, parseIp } from '../../../netlink/codec/ip.js';
import { encodeRtMsg, RTMSG_LEN } from '../../../netlink/codec/structs.js';
import { NetlinkChannel } from '../../../netlink/channel.js';
import { Netlink } from '../../../netlink/netlink.js';
import { NetlinkSocket } from '../../../netlink/socket.js';
import { RTA, RTM } from '../../../netlink/route/consts.js';
import type { NetlinkRequest } from '../../../netlink/transport.js';
import { sysctlWrite } from '../../../lib/sysctl.js';

// Equivalent to: `ip route get ADDRESS`
export function routeGetRequest(address: string): NetlinkRequest {
  const a = parseIp(address);
  const hdr = encodeRtMsg({ family: familyToAf(a.family), dstLen: a.bytes.length * 8 });
  return { op: `route get ${address}`, type: RTM.GETROUTE, body: Buffer.concat([hdr, new AttrWriter().bytes(RTA.DST, a.bytes).toBuffer()]) };
}

/** Name of the interface the host routes `address` through, or undefined when there is no route. */
export function routingInterface(address: string): string | undefined {
  const channel = new NetlinkChannel(NetlinkSocket.open());
  // The handle shares the channel: the link lookup, and close(), go through it.
  using nl = new Netlink(channel);
  let oif: number | undefined;
  try {
    const [reply] = channel.request(routeGetRequest(address));
    if (reply && reply.payload.length >= RTMSG_LEN) oif = Attrs.parse(reply.payload.subarray(RTMSG_LEN)).u32(RTA.OIF);
  } catch {
    return undefined; // no route (ENETUNREACH): nothing to set, as the reference
  }
  if (oif === undefined) return undefined;
  try {
    return nl.linkByIndex(oif).name;
  } catch {
    return undefined;
  }
}

/** Set net.ipv4.conf.IFACE.route_localnet=1 on the interface toward `containerIp` (IPv4 only). */
export function enableLocalnetRouting(containerIp: string): string | undefined {
  const iface = routingInterface(containerIp);
  if (iface) sysctlWrite(`net/ipv4/conf/${iface}/route_localnet`, 1);
  return iface;
}
