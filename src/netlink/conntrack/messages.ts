/**
 * ctnetlink request bodies and the entry parser. A body is struct nfgenmsg (family, version 0,
 * res_id 0) followed by attributes; the transport adds the nlmsghdr.
 */
import { AttrWriter, Attrs, NLA_F_NESTED } from '../codec/attr.js';
import { afToFamily, familyToAf, type IpFamily } from '../codec/ip.js';
import { NetlinkDecodeError } from '../errors.js';
import { nfgenmsg, NFGENMSG_LEN } from '../nftables/message.js';
import type { NetlinkRequest } from '../transport.js';
import { CTA, CTA_FILTER, CTA_FILTER_F, IPCTNL_MSG, ctMsgType } from './consts.js';
import { decodeTuple, writeTuple, type ConntrackTuple } from './tuple.js';

/** Which entries a dump (and deleteMatching) selects; every given field must match. */
export interface ConntrackFilter {
  family: IpFamily;
  /** IP protocol number of the original direction (17 = UDP). */
  protocol?: number;
  /** Destination port of the original direction (needs protocol). */
  origDstPort?: number;
}

/** One conntrack entry as a dump reports it. */
export interface ConntrackEntry {
  family: IpFamily;
  orig: ConntrackTuple;
  reply?: ConntrackTuple;
  /** Zone, when not the default one. */
  zone?: number;
  /**
   * What identifies exactly this entry in a DELETE: the kernel's own CTA_TUPLE_ORIG payload, and
   * the CTA_ID (so a newer entry that reuses the tuple is not deleted by mistake).
   */
  key: { tupleOrig: Buffer; id?: Buffer; zone?: Buffer };
}

function filterDescription(f: ConntrackFilter): string {
  const parts = [`ipv${f.family}`];
  if (f.protocol !== undefined) parts.push(`proto ${f.protocol}`);
  if (f.origDstPort !== undefined) parts.push(`dport ${f.origDstPort}`);
  return parts.join(' ');
}

/**
 * IPCTNL_MSG_CT_GET dump of one family. With `kernelFilter`, the tuple fields are also sent as
 * CTA_TUPLE_ORIG + CTA_FILTER so that Linux 5.9+ returns only matching entries; older kernels
 * ignore CTA_FILTER and return the whole family (callers filter again, see matches()).
 */
export function dumpRequest(f: ConntrackFilter, kernelFilter = true): NetlinkRequest {
  const w = new AttrWriter();
  let flags = 0;
  if (f.protocol !== undefined) flags |= CTA_FILTER_F.PROTO_NUM;
  if (f.origDstPort !== undefined) {
    if (f.protocol === undefined) throw new TypeError('conntrack filter: a destination port needs a protocol');
    flags |= CTA_FILTER_F.PROTO_DST_PORT;
  }
  if (kernelFilter && flags) {
    w.nested(CTA.TUPLE_ORIG, (t) => writeTuple(t, f.family, { protocol: f.protocol, dstPort: f.origDstPort }));
    w.nested(CTA.FILTER, (fl) => fl.u32(CTA_FILTER.ORIG_FLAGS, flags));
  }
  return {
    op: `conntrack list ${filterDescription(f)}`,
    type: ctMsgType(IPCTNL_MSG.GET),
    body: Buffer.concat([nfgenmsg(familyToAf(f.family)), w.toBuffer()]),
  };
}

/** IPCTNL_MSG_CT_DELETE of exactly one entry (`conntrack -D` sends the same tuple). */
export function deleteRequest(e: ConntrackEntry): NetlinkRequest {
  const w = new AttrWriter().attr(CTA.TUPLE_ORIG | NLA_F_NESTED, e.key.tupleOrig);
  if (e.key.zone) w.bytes(CTA.ZONE, e.key.zone);
  if (e.key.id) w.bytes(CTA.ID, e.key.id);
  const o = e.orig;
  return {
    op: `conntrack delete ${o.src ?? '?'}:${o.srcPort ?? '?'} -> ${o.dst ?? '?'}:${o.dstPort ?? '?'} proto ${o.protocol ?? '?'}`,
    type: ctMsgType(IPCTNL_MSG.DELETE),
    body: Buffer.concat([nfgenmsg(familyToAf(e.family)), w.toBuffer()]),
  };
}

/** Decode one IPCTNL_MSG_CT_NEW payload of a dump; undefined for families other than IPv4/IPv6. */
export function parseEntry(payload: Buffer): ConntrackEntry | undefined {
  if (payload.length < NFGENMSG_LEN) throw new NetlinkDecodeError(`conntrack message of ${payload.length} bytes has no nfgenmsg header`);
  const family = afToFamily(payload.readUInt8(0));
  if (!family) return undefined;
  const a = Attrs.parse(payload.subarray(NFGENMSG_LEN));
  const origRaw = a.get(CTA.TUPLE_ORIG);
  if (!origRaw) throw new NetlinkDecodeError('conntrack entry without CTA_TUPLE_ORIG');
  const e: ConntrackEntry = { family, orig: decodeTuple(Attrs.parse(origRaw)), key: { tupleOrig: Buffer.from(origRaw) } };
  const reply = a.nested(CTA.TUPLE_REPLY);
  if (reply) e.reply = decodeTuple(reply);
  const id = a.get(CTA.ID);
  if (id) e.key.id = Buffer.from(id);
  const zone = a.get(CTA.ZONE);
  if (zone && zone.length >= 2) {
    e.key.zone = Buffer.from(zone);
    e.zone = zone.readUInt16BE(0);
  }
  return e;
}

/** The same test the kernel's CTA_FILTER applies, for kernels that ignored it. */
export function matches(e: ConntrackEntry, f: ConntrackFilter): boolean {
  if (e.family !== f.family) return false;
  if (f.protocol !== undefined && e.orig.protocol !== f.protocol) return false;
  if (f.origDstPort !== undefined && e.orig.dstPort !== f.origDstPort) return false;
  return true;
}
