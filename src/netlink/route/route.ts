/**
 * Route requests (RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE dump) and the RTM_NEWROUTE parser.
 * Defaults follow `ip route`: add/replace use protocol boot, type unicast and scope link when there
 * is no gateway (universe otherwise); delete leaves protocol/type as wildcards and scope NOWHERE.
 */
import { AttrWriter, Attrs } from '../codec/attr.js';
import { NLM_F } from '../codec/consts.js';
import { afToFamily, familyToAf, formatCidr, formatIp, maskCidr, parseCidr, parseIp, type IpFamily } from '../codec/ip.js';
import { decodeRtMsg, encodeRtMsg, RTMSG_LEN } from '../codec/structs.js';
import type { NetlinkRequest } from '../transport.js';
import { AF_UNSPEC, RT_SCOPE, RT_TABLE, RTA, RTAX, RTM, RTN, RTNH_F_ONLINK, RTPROT } from './consts.js';
import type { RouteInfo, RouteSpec } from './types.js';

/** add: NLM_F_EXCL; append: beside existing routes to the same destination (the reference's RouteAddEcmp). */
export type RouteVerb = 'add' | 'append' | 'replace' | 'del';

/** Decode one RTM_NEWROUTE payload; undefined for families other than IPv4/IPv6. */
export function parseRoute(payload: Buffer): (RouteInfo & { flags: number }) | undefined {
  const hdr = decodeRtMsg(payload);
  const family = afToFamily(hdr.family);
  if (!family) return undefined;
  const a = Attrs.parse(payload.subarray(RTMSG_LEN));
  const dst = a.get(RTA.DST) ?? Buffer.alloc(family === 4 ? 4 : 16);
  const r: RouteInfo & { flags: number } = {
    family,
    dst: formatCidr({ bytes: dst, prefixLen: hdr.dstLen }),
    table: a.u32(RTA.TABLE) ?? hdr.table,
    scope: hdr.scope,
    protocol: hdr.protocol,
    type: hdr.type,
    flags: hdr.flags,
  };
  const gw = a.get(RTA.GATEWAY);
  if (gw) r.gw = formatIp(gw);
  const oif = a.u32(RTA.OIF);
  if (oif !== undefined) r.index = oif;
  const src = a.get(RTA.PREFSRC);
  if (src) r.src = formatIp(src);
  const prio = a.u32(RTA.PRIORITY);
  if (prio !== undefined) r.priority = prio;
  const metrics = a.nested(RTA.METRICS);
  const mtu = metrics?.u32(RTAX.MTU);
  if (mtu !== undefined) r.mtu = mtu;
  const advmss = metrics?.u32(RTAX.ADVMSS);
  if (advmss !== undefined) r.advmss = advmss;
  if (hdr.flags & RTNH_F_ONLINK) r.onlink = true;
  const multipath = a.get(RTA.MULTIPATH);
  if (multipath) r.nexthops = parseNexthops(multipath);
  return r;
}

/** RTA_MULTIPATH: struct rtnexthop { u16 len; u8 flags; u8 hops; s32 ifindex; } + attributes, repeated. */
function parseNexthops(buf: Buffer): { gw?: string; index: number }[] {
  const out: { gw?: string; index: number }[] = [];
  for (let off = 0; off + 8 <= buf.length; ) {
    const len = buf.readUInt16LE(off);
    if (len < 8 || off + len > buf.length) break;
    const hop: { gw?: string; index: number } = { index: buf.readInt32LE(off + 4) };
    const gw = Attrs.parse(buf.subarray(off + 8, off + len)).get(RTA.GATEWAY);
    if (gw) hop.gw = formatIp(gw);
    out.push(hop);
    off += (len + 3) & ~3;
  }
  return out;
}

// Equivalent to: `ip [-4|-6] route show table T` (T = 0: all tables)
export function routeDumpRequest(filter: { family?: IpFamily; table: number }): NetlinkRequest {
  const family = filter.family ? familyToAf(filter.family) : AF_UNSPEC;
  // Honoured with NETLINK_GET_STRICT_CHK; callers still filter, for kernels that ignore it.
  const w = new AttrWriter();
  if (filter.table) w.u32(RTA.TABLE, filter.table);
  const hdr = encodeRtMsg({ family, table: filter.table > 0 && filter.table < 256 ? filter.table : 0 });
  return { op: `route list table ${filter.table || 'all'}`, type: RTM.GETROUTE, body: Buffer.concat([hdr, w.toBuffer()]) };
}

function defaultScope(type: number, hasGateway: boolean): number {
  if (type === RTN.LOCAL || type === RTN.NAT) return RT_SCOPE.HOST;
  if (type === RTN.BROADCAST || type === RTN.MULTICAST || type === RTN.ANYCAST) return RT_SCOPE.LINK;
  return hasGateway ? RT_SCOPE.UNIVERSE : RT_SCOPE.LINK;
}

function addressOf(text: string, family: IpFamily, what: string): Buffer {
  const ip = parseIp(text);
  if (ip.family !== family) throw new TypeError(`route ${what} "${text}" is not IPv${family} like the destination`);
  return ip.bytes;
}

// Equivalent to: `ip route add|replace|del DST [via GW] [dev IFINDEX] [src SRC] [table T]
//   [metric P] [scope S] [proto P] [mtu M] [advmss A] [onlink]`
export function routeModifyRequest(verb: RouteVerb, spec: RouteSpec): NetlinkRequest {
  const dst = maskCidr(parseCidr(spec.dst));
  const table = spec.table ?? RT_TABLE.MAIN;
  const isDel = verb === 'del';
  const type = spec.type ?? (isDel ? RTN.UNSPEC : RTN.UNICAST);
  const hdr = encodeRtMsg({
    family: familyToAf(dst.family),
    dstLen: dst.prefixLen,
    table: table < 256 ? table : RT_TABLE.UNSPEC,
    protocol: spec.protocol ?? (isDel ? RTPROT.UNSPEC : RTPROT.BOOT),
    scope: spec.scope ?? (isDel ? RT_SCOPE.NOWHERE : defaultScope(type, spec.gw !== undefined)),
    type,
    flags: spec.onlink ? RTNH_F_ONLINK : 0,
  });
  const w = new AttrWriter();
  if (dst.prefixLen > 0) w.bytes(RTA.DST, dst.bytes);
  if (spec.gw) w.bytes(RTA.GATEWAY, addressOf(spec.gw, dst.family, 'gateway'));
  if (spec.index !== undefined) w.u32(RTA.OIF, spec.index);
  if (spec.src) w.bytes(RTA.PREFSRC, addressOf(spec.src, dst.family, 'source'));
  if (spec.priority !== undefined) w.u32(RTA.PRIORITY, spec.priority);
  w.u32(RTA.TABLE, table);
  if (spec.mtu !== undefined || spec.advmss !== undefined) {
    w.nested(RTA.METRICS, (m) => {
      if (spec.mtu !== undefined) m.u32(RTAX.MTU, spec.mtu);
      if (spec.advmss !== undefined) m.u32(RTAX.ADVMSS, spec.advmss);
    });
  }
  const flags = { add: NLM_F.CREATE | NLM_F.EXCL, append: NLM_F.CREATE | NLM_F.APPEND, replace: NLM_F.CREATE | NLM_F.REPLACE, del: 0 }[verb];
  const via = spec.gw ? ` via ${spec.gw}` : '';
  const dev = spec.index !== undefined ? ` dev index ${spec.index}` : '';
  return {
    op: `route ${verb} ${formatCidr(dst)}${via}${dev} table ${table}`,
    type: isDel ? RTM.DELROUTE : RTM.NEWROUTE,
    flags,
    body: Buffer.concat([hdr, w.toBuffer()]),
  };
}
