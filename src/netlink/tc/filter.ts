/**
 * Filter requests: a u32 filter matching every packet with one mirred action that redirects it
 * to another device's egress (what carries a veth's incoming traffic to an IFB), the filter dump
 * and its parser (kind, priority, protocol and, for u32, the mirred redirect target).
 */
import { AttrWriter, Attrs, NLA_F_NESTED } from '../codec/attr.js';
import { NLM_F } from '../codec/consts.js';
import type { NetlinkRequest } from '../transport.js';
import { ETH_P_ALL, RTM_TC, TC_ACT_STOLEN, TC_U32_TERMINAL, TCA, TCA_ACT, TCA_EGRESS_REDIR, TCA_MIRRED_PARMS, TCA_U32 } from './consts.js';
import { decodeTcMsg, encodeTcMsg, TCMSG_LEN } from '../codec/structs.js';
import { formatHandle } from './handle.js';

export interface U32RedirectSpec {
  /** The link whose qdisc holds the filter. */
  index: number;
  /** That qdisc's handle (ffff:0 for ingress). */
  parent: number;
  priority: number;
  classId: number;
  /** The device the packets are redirected to (its egress). */
  redirectIndex: number;
}

export interface Filter {
  index: number;
  parent: number;
  handle: number;
  priority: number;
  /** Host order, e.g. 3 for ETH_P_ALL. */
  protocol: number;
  kind: string;
  /** u32 with a mirred egress redirect: the target ifindex. */
  redirectIndex?: number;
}

const filterInfo = (priority: number, protocol: number): number => ((priority << 16) | ((protocol & 0xff) << 8) | (protocol >> 8)) >>> 0;

/** struct tc_u32_sel with one key: mask 0, value 0 at offset 0, i.e. every packet matches. */
function matchAllSelector(): Buffer {
  const sel = Buffer.alloc(16 + 16);
  sel.writeUInt8(TC_U32_TERMINAL, 0);
  sel.writeUInt8(1, 2); // nkeys
  return sel;
}

/** struct tc_mirred: tc_gen (index, capab, action, refcnt, bindcnt), eaction, ifindex. */
function mirredParms(ifindex: number): Buffer {
  const p = Buffer.alloc(28);
  p.writeInt32LE(TC_ACT_STOLEN, 8);
  p.writeInt32LE(TCA_EGRESS_REDIR, 20);
  p.writeUInt32LE(ifindex, 24);
  return p;
}

// Equivalent to: `tc filter add dev IDX parent ffff: protocol all prio 1 u32 match u32 0 0
//                  classid 1:1 action mirred egress redirect dev IFB`
export function u32RedirectAddRequest(s: U32RedirectSpec): NetlinkRequest {
  const w = new AttrWriter().string(TCA.KIND, 'u32');
  w.nested(
    TCA.OPTIONS,
    (o) => {
      o.u32(TCA_U32.CLASSID, s.classId);
      o.nested(
        TCA_U32.ACT,
        (acts) =>
          acts.nested(
            1, // action order 1
            (act) => {
              act.string(TCA_ACT.KIND, 'mirred');
              act.attr(TCA_ACT.OPTIONS | NLA_F_NESTED, new AttrWriter().bytes(TCA_MIRRED_PARMS, mirredParms(s.redirectIndex)).toBuffer());
            },
            { flag: false },
          ),
        { flag: false },
      );
      o.bytes(TCA_U32.SEL, matchAllSelector());
    },
    { flag: false },
  );
  return {
    op: `filter add dev index ${s.index} parent ${formatHandle(s.parent)} prio ${s.priority} u32 redirect to index ${s.redirectIndex}`,
    type: RTM_TC.NEWTFILTER,
    flags: NLM_F.CREATE | NLM_F.EXCL,
    body: Buffer.concat([encodeTcMsg({ index: s.index, parent: s.parent, info: filterInfo(s.priority, ETH_P_ALL) }), w.toBuffer()]),
  };
}

// Equivalent to: `tc filter show dev IDX parent P`
export function filterDumpRequest(index: number, parent: number): NetlinkRequest {
  return { op: `filter show dev index ${index} parent ${formatHandle(parent)}`, type: RTM_TC.GETTFILTER, body: encodeTcMsg({ index, parent }) };
}

/** The ifindex of the first mirred egress redirect in a TCA_U32_ACT nest. */
function mirredTarget(acts: Attrs): number | undefined {
  for (const slot of acts) {
    const act = Attrs.parse(slot.data);
    if (act.string(TCA_ACT.KIND) !== 'mirred') continue;
    const parms = act.nested(TCA_ACT.OPTIONS)?.get(TCA_MIRRED_PARMS);
    if (parms && parms.length >= 28 && parms.readInt32LE(20) === TCA_EGRESS_REDIR) return parms.readUInt32LE(24);
  }
  return undefined;
}

export function parseFilter(payload: Buffer): Filter {
  const hdr = decodeTcMsg(payload);
  const a = Attrs.parse(payload.subarray(TCMSG_LEN));
  const proto = hdr.info & 0xffff;
  const f: Filter = {
    index: hdr.index,
    parent: hdr.parent,
    handle: hdr.handle,
    priority: hdr.info >>> 16,
    protocol: ((proto & 0xff) << 8) | (proto >> 8),
    kind: a.string(TCA.KIND) ?? '',
  };
  const acts = f.kind === 'u32' ? a.nested(TCA.OPTIONS)?.nested(TCA_U32.ACT) : undefined;
  const target = acts ? mirredTarget(acts) : undefined;
  if (target !== undefined) f.redirectIndex = target;
  return f;
}
