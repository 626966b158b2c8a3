/**
 * Qdisc requests (RTM_NEWQDISC / DELQDISC / GETQDISC) and the dump parser. Only what the
 * bandwidth plugin needs is written: a root (or any parent) tbf and the ingress qdisc; any kind is
 * parsed (kind, handle, parent) with tbf's rate, limit and buffer on top.
 */
import { AttrWriter, Attrs } from '../codec/attr.js';
import { NLM_F } from '../codec/consts.js';
import type { NetlinkRequest } from '../transport.js';
import type { PschedClock } from './clock.js';
import { RTM_TC, TC_H, TCA } from './consts.js';
import { parseTbfOptions, writeTbfOptions, type TbfParams } from './tbf.js';
import { decodeTcMsg, encodeTcMsg, TCMSG_LEN } from '../codec/structs.js';
import { formatHandle } from './handle.js';

export type QdiscSpec =
  | { kind: 'tbf'; index: number; handle: number; parent: number; tbf: TbfParams }
  | { kind: 'ingress'; index: number };

export interface Qdisc {
  index: number;
  handle: number;
  parent: number;
  kind: string;
  /** Present for kind "tbf". */
  tbf?: Omit<TbfParams, 'burst'>;
}

/** Which qdisc a delete names: its link and place; `kind` makes the kernel refuse a different one. */
export interface QdiscRef {
  index: number;
  handle: number;
  parent: number;
  kind?: string;
}

// Equivalent to: `tc qdisc add dev IDX root handle 1: tbf rate R burst B limit L`
//            or: `tc qdisc add dev IDX handle ffff: ingress`
export function qdiscAddRequest(spec: QdiscSpec, clock: PschedClock): NetlinkRequest {
  const w = new AttrWriter().string(TCA.KIND, spec.kind);
  let hdr;
  if (spec.kind === 'ingress') {
    hdr = { index: spec.index, handle: TC_H.INGRESS_HANDLE, parent: TC_H.INGRESS };
  } else {
    hdr = { index: spec.index, handle: spec.handle, parent: spec.parent };
    // A plain nest (no NLA_F_NESTED), as tc sends TCA_OPTIONS.
    w.nested(TCA.OPTIONS, (o) => writeTbfOptions(spec.tbf, clock, o), { flag: false });
  }
  return {
    op: `qdisc add dev index ${spec.index} ${formatHandle(hdr.parent)} handle ${formatHandle(hdr.handle)} ${spec.kind}`,
    type: RTM_TC.NEWQDISC,
    flags: NLM_F.CREATE | NLM_F.EXCL,
    body: Buffer.concat([encodeTcMsg(hdr), w.toBuffer()]),
  };
}

// Equivalent to: `tc qdisc del dev IDX root handle 1:` / `tc qdisc del dev IDX handle ffff: ingress`
export function qdiscDelRequest(ref: QdiscRef): NetlinkRequest {
  const w = new AttrWriter();
  if (ref.kind) w.string(TCA.KIND, ref.kind);
  return {
    op: `qdisc del dev index ${ref.index} ${formatHandle(ref.parent)} handle ${formatHandle(ref.handle)}${ref.kind ? ` ${ref.kind}` : ''}`,
    type: RTM_TC.DELQDISC,
    body: Buffer.concat([encodeTcMsg({ index: ref.index, handle: ref.handle, parent: ref.parent }), w.toBuffer()]),
  };
}

// Equivalent to: `tc qdisc show dev IDX` (the kernel still dumps every link; filter on index)
export function qdiscDumpRequest(index: number): NetlinkRequest {
  return { op: `qdisc show dev index ${index}`, type: RTM_TC.GETQDISC, body: encodeTcMsg({ index }) };
}

export function parseQdisc(payload: Buffer): Qdisc {
  const hdr = decodeTcMsg(payload);
  const a = Attrs.parse(payload.subarray(TCMSG_LEN));
  const q: Qdisc = { index: hdr.index, handle: hdr.handle, parent: hdr.parent, kind: a.string(TCA.KIND) ?? '' };
  const options = q.kind === 'tbf' ? a.nested(TCA.OPTIONS) : undefined;
  if (options) q.tbf = parseTbfOptions(options);
  return q;
}
