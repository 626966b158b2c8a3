/**
 * Bridge-specific requests: port flags (IFLA_PROTINFO via AF_BRIDGE RTM_SETLINK), VLAN filtering
 * on the bridge (IFLA_INFO_DATA), per-port VLANs (IFLA_AF_SPEC IFLA_BRIDGE_VLAN_INFO) and the
 * AF_BRIDGE dump that lists them.
 */
import { AttrWriter, Attrs } from '../codec/attr.js';
import { decodeIfInfoMsg, encodeIfInfoMsg, IFINFOMSG_LEN } from '../codec/structs.js';
import type { NetlinkRequest } from '../transport.js';
import { AF_BRIDGE, BRIDGE_FLAGS, BRIDGE_VLAN_INFO, IFLA, IFLA_BR, IFLA_BRIDGE, IFLA_BRPORT, IFLA_INFO, RTEXT_FILTER, RTM } from './consts.js';
import type { BridgePortOptions, BridgeVlan, BridgeVlanOptions } from './types.js';

const b = (on: boolean) => (on ? 1 : 0);

// Equivalent to: `bridge link set dev IFINDEX [hairpin on|off] [isolated on|off] [learning on|off]`
export function bridgePortSetRequest(index: number, opts: BridgePortOptions): NetlinkRequest {
  const w = new AttrWriter();
  // br_setlink only treats IFLA_PROTINFO as port attributes when NLA_F_NESTED is set.
  w.nested(IFLA.PROTINFO, (p) => {
    if (opts.hairpin !== undefined) p.u8(IFLA_BRPORT.MODE, b(opts.hairpin));
    if (opts.isolated !== undefined) p.u8(IFLA_BRPORT.ISOLATED, b(opts.isolated));
    if (opts.learning !== undefined) p.u8(IFLA_BRPORT.LEARNING, b(opts.learning));
  });
  const what = Object.entries(opts).map(([k, v]) => `${k} ${v ? 'on' : 'off'}`).join(' ');
  return { op: `bridge link set index ${index} ${what}`, type: RTM.SETLINK, body: Buffer.concat([encodeIfInfoMsg({ family: AF_BRIDGE, index }), w.toBuffer()]) };
}

// Equivalent to: `ip link set dev IFINDEX type bridge vlan_filtering 0|1`
export function bridgeVlanFilteringRequest(bridgeIndex: number, on: boolean): NetlinkRequest {
  const w = new AttrWriter().nested(IFLA.LINKINFO, (info) => {
    info.string(IFLA_INFO.KIND, 'bridge');
    info.nested(IFLA_INFO.DATA, (d) => d.u8(IFLA_BR.VLAN_FILTERING, b(on)));
  });
  return { op: `bridge index ${bridgeIndex} vlan_filtering ${b(on)}`, type: RTM.NEWLINK, body: Buffer.concat([encodeIfInfoMsg({ index: bridgeIndex }), w.toBuffer()]) };
}

function checkVid(vid: number): void {
  if (!Number.isInteger(vid) || vid < 1 || vid > 4094) throw new TypeError(`invalid bridge VLAN id ${vid} (1-4094)`);
}

function vlanInfo(flags: number, vid: number): Buffer {
  const v = Buffer.alloc(4); // struct bridge_vlan_info { u16 flags; u16 vid; }
  v.writeUInt16LE(flags, 0);
  v.writeUInt16LE(vid, 2);
  return v;
}

// Equivalent to: `bridge vlan add|del dev IFINDEX vid V[-W] [pvid] [untagged] [self]`
export function bridgeVlanRequest(verb: 'add' | 'del', index: number, vid: number, opts: BridgeVlanOptions = {}): NetlinkRequest {
  const [first, last] = opts.range ?? [vid, vid];
  checkVid(first);
  checkVid(last);
  if (last < first) throw new TypeError(`invalid bridge VLAN range ${first}-${last}`);
  let flags = 0;
  if (opts.pvid) flags |= BRIDGE_VLAN_INFO.PVID;
  if (opts.untagged) flags |= BRIDGE_VLAN_INFO.UNTAGGED;
  const w = new AttrWriter().nested(IFLA.AF_SPEC, (spec) => {
    if (opts.self) spec.u16(IFLA_BRIDGE.FLAGS, BRIDGE_FLAGS.SELF);
    if (first === last) {
      spec.bytes(IFLA_BRIDGE.VLAN_INFO, vlanInfo(flags, first));
    } else {
      spec.bytes(IFLA_BRIDGE.VLAN_INFO, vlanInfo(flags | BRIDGE_VLAN_INFO.RANGE_BEGIN, first));
      spec.bytes(IFLA_BRIDGE.VLAN_INFO, vlanInfo(flags | BRIDGE_VLAN_INFO.RANGE_END, last));
    }
  });
  const vids = first === last ? `${first}` : `${first}-${last}`;
  return {
    op: `bridge vlan ${verb} index ${index} vid ${vids}${opts.self ? ' self' : ''}`,
    type: verb === 'add' ? RTM.SETLINK : RTM.DELLINK,
    body: Buffer.concat([encodeIfInfoMsg({ family: AF_BRIDGE, index }), w.toBuffer()]),
  };
}

// Equivalent to: `bridge vlan show` (the kernel cannot filter this dump by device)
export function bridgeVlanDumpRequest(): NetlinkRequest {
  const w = new AttrWriter().u32(IFLA.EXT_MASK, RTEXT_FILTER.BRVLAN);
  return { op: 'bridge vlan list', type: RTM.GETLINK, body: Buffer.concat([encodeIfInfoMsg({ family: AF_BRIDGE }), w.toBuffer()]) };
}

/** VLANs of one AF_BRIDGE dump entry; ranges are expanded. */
export function parseBridgeVlans(payload: Buffer): { index: number; vlans: BridgeVlan[] } {
  const hdr = decodeIfInfoMsg(payload);
  const spec = Attrs.parse(payload.subarray(IFINFOMSG_LEN)).nested(IFLA.AF_SPEC);
  const vlans: BridgeVlan[] = [];
  let rangeStart: number | undefined;
  for (const a of spec ?? []) {
    if (a.type !== IFLA_BRIDGE.VLAN_INFO || a.data.length < 4) continue;
    const flags = a.data.readUInt16LE(0);
    const vid = a.data.readUInt16LE(2);
    if (flags & BRIDGE_VLAN_INFO.RANGE_BEGIN) {
      rangeStart = vid;
      continue;
    }
    const from = flags & BRIDGE_VLAN_INFO.RANGE_END && rangeStart !== undefined ? rangeStart : vid;
    rangeStart = undefined;
    for (let v = from; v <= vid; v++) {
      vlans.push({ vid: v, pvid: (flags & BRIDGE_VLAN_INFO.PVID) !== 0, untagged: (flags & BRIDGE_VLAN_INFO.UNTAGGED) !== 0 });
    }
  }
  return { index: hdr.index, vlans };
}

