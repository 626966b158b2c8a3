/**
 * Conntrack tuples (CTA_TUPLE_ORIG / CTA_TUPLE_REPLY): nested CTA_TUPLE_IP and CTA_TUPLE_PROTO.
 * Addresses and ports are in network byte order, as ctnetlink reads them (nla_get_be16 /
 * nla_get_in_addr); like libnetfilter_conntrack, the NLA_F_NET_BYTEORDER bit is not set, the
 * kernel does not look at it.
 */
import { AttrWriter, type Attrs } from '../codec/attr.js';
import { formatIp, parseIp, type IpFamily } from '../codec/ip.js';
import { CTA_IP, CTA_PROTO, CTA_TUPLE } from './consts.js';

export interface ConntrackTuple {
  /** Missing when the tuple (e.g. a dump filter) leaves the addresses out. */
  src?: string;
  dst?: string;
  /** IP protocol number (17 = UDP). */
  protocol?: number;
  srcPort?: number;
  dstPort?: number;
}

/** Write the children of a CTA_TUPLE_* attribute (the caller nests them). */
export function writeTuple(w: AttrWriter, family: IpFamily, t: ConntrackTuple): void {
  if (t.src !== undefined || t.dst !== undefined) {
    w.nested(CTA_TUPLE.IP, (ip) => {
      if (t.src !== undefined) ip.bytes(family === 4 ? CTA_IP.V4_SRC : CTA_IP.V6_SRC, addressBytes(family, t.src));
      if (t.dst !== undefined) ip.bytes(family === 4 ? CTA_IP.V4_DST : CTA_IP.V6_DST, addressBytes(family, t.dst));
    });
  }
  if (t.protocol !== undefined) {
    w.nested(CTA_TUPLE.PROTO, (p) => {
      p.u8(CTA_PROTO.NUM, t.protocol!);
      if (t.srcPort !== undefined) p.u16be(CTA_PROTO.SRC_PORT, t.srcPort);
      if (t.dstPort !== undefined) p.u16be(CTA_PROTO.DST_PORT, t.dstPort);
    });
  }
}

function addressBytes(family: IpFamily, text: string): Buffer {
  const a = parseIp(text);
  if (a.family !== family) throw new TypeError(`conntrack tuple: ${text} is not an IPv${family} address`);
  return a.bytes;
}

export function decodeTuple(a: Attrs): ConntrackTuple {
  const t: ConntrackTuple = {};
  const ip = a.nested(CTA_TUPLE.IP);
  if (ip) {
    const src = ip.get(CTA_IP.V4_SRC) ?? ip.get(CTA_IP.V6_SRC);
    const dst = ip.get(CTA_IP.V4_DST) ?? ip.get(CTA_IP.V6_DST);
    if (src) t.src = formatIp(src);
    if (dst) t.dst = formatIp(dst);
  }
  const proto = a.nested(CTA_TUPLE.PROTO);
  if (proto) {
    const num = proto.u8(CTA_PROTO.NUM);
    if (num !== undefined) t.protocol = num;
    const sport = proto.u16be(CTA_PROTO.SRC_PORT);
    if (sport !== undefined) t.srcPort = sport;
    const dport = proto.u16be(CTA_PROTO.DST_PORT);
    if (dport !== undefined) t.dstPort = dport;
  }
  return t;
}
