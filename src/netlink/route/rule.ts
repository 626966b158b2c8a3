/**
 * Policy routing rules (RTM_NEWRULE / RTM_DELRULE / RTM_GETRULE dump) and the RTM_NEWRULE parser.
 * struct fib_rule_hdr has the layout of struct rtmsg (family, dst_len, src_len, tos, table, res1,
 * res2, action, flags), so the rtmsg codec serves both; `type` is the rule's action.
 */
import { AttrWriter, Attrs } from '../codec/attr.js';
import { NLM_F } from '../codec/consts.js';
import { afToFamily, familyToAf, formatCidr, maskCidr, parseCidr, type IpFamily } from '../codec/ip.js';
import { decodeRtMsg, encodeRtMsg, RTMSG_LEN } from '../codec/structs.js';
import type { NetlinkRequest } from '../transport.js';
import { AF_UNSPEC, FR_ACT, FRA, RT_TABLE, RTM } from './consts.js';
import type { RuleInfo, RuleSpec } from './types.js';

/** Decode one RTM_NEWRULE payload; undefined for families other than IPv4/IPv6. */
export function parseRule(payload: Buffer): RuleInfo | undefined {
  const hdr = decodeRtMsg(payload);
  const family = afToFamily(hdr.family);
  if (!family) return undefined;
  const a = Attrs.parse(payload.subarray(RTMSG_LEN));
  const r: RuleInfo = { family, table: a.u32(FRA.TABLE) ?? hdr.table, action: hdr.type, priority: a.u32(FRA.PRIORITY) ?? 0 };
  const src = a.get(FRA.SRC);
  if (src) r.src = formatCidr({ bytes: src, prefixLen: hdr.srcLen });
  const dst = a.get(FRA.DST);
  if (dst) r.dst = formatCidr({ bytes: dst, prefixLen: hdr.dstLen });
  const iif = a.string(FRA.IIFNAME);
  if (iif) r.iifName = iif;
  const oif = a.string(FRA.OIFNAME);
  if (oif) r.oifName = oif;
  return r;
}

// Equivalent to: `ip [-4|-6] rule show`
export function ruleDumpRequest(family?: IpFamily): NetlinkRequest {
  const hdr = encodeRtMsg({ family: family ? familyToAf(family) : AF_UNSPEC });
  return { op: 'rule list', type: RTM.GETRULE, body: hdr };
}

// Equivalent to: `ip rule add|del [from SRC] [to DST] [priority P] [iif I] [oif O] table T`
export function ruleModifyRequest(verb: 'add' | 'del', spec: RuleSpec): NetlinkRequest {
  const src = spec.src ? maskCidr(parseCidr(spec.src)) : undefined;
  const dst = spec.dst ? maskCidr(parseCidr(spec.dst)) : undefined;
  const family = src?.family ?? dst?.family ?? spec.family;
  if (!family) throw new TypeError('rule: a family, a source or a destination is required');
  if (src && dst && src.family !== dst.family) throw new TypeError('rule: source and destination are of different families');
  const table = spec.table ?? RT_TABLE.MAIN;
  const hdr = encodeRtMsg({
    family: familyToAf(family),
    srcLen: src?.prefixLen ?? 0,
    dstLen: dst?.prefixLen ?? 0,
    table: table < 256 ? table : RT_TABLE.UNSPEC,
    type: FR_ACT.TO_TBL,
  });
  const w = new AttrWriter();
  if (src) w.bytes(FRA.SRC, src.bytes);
  if (dst) w.bytes(FRA.DST, dst.bytes);
  if (spec.priority !== undefined) w.u32(FRA.PRIORITY, spec.priority);
  if (spec.iifName) w.string(FRA.IIFNAME, spec.iifName);
  if (spec.oifName) w.string(FRA.OIFNAME, spec.oifName);
  w.u32(FRA.TABLE, table);
  const from = src ? ` from ${formatCidr(src)}` : '';
  const to = dst ? ` to ${formatCidr(dst)}` : '';
  return {
    op: `rule ${verb}${from}${to} table ${table}`,
    type: verb === 'add' ? RTM.NEWRULE : RTM.DELRULE,
    flags: verb === 'add' ? NLM_F.CREATE | NLM_F.EXCL : 0,
    body: Buffer.concat([hdr, w.toBuffer()]),
  };
}
