/**
 * Link (network device) requests and the RTM_NEWLINK parser. Requests are pure: they return a
 * NetlinkRequest for a transport to send. Each builder names its iproute2 equivalent.
 */
import { AttrWriter, Attrs } from '../codec/attr.js';
import { formatMac, parseMac } from '../codec/mac.js';
import { decodeIfInfoMsg, encodeIfInfoMsg, IFINFOMSG_LEN } from '../codec/structs.js';
import type { NetlinkRequest } from '../transport.js';
import { AF_UNSPEC, IFF, IFLA, IFLA_BR, IFLA_BRPORT, IFLA_INFO, IFLA_IPVLAN_MODE, IFLA_VRF_TABLE, IFLA_MACVLAN_MODE, IFLA_VLAN_ID, IPVLAN_MODE, MACVLAN_MODE, OPER_STATES, RTEXT_FILTER, RTM } from './consts.js';
import type { IpvlanMode, Link, MacvlanMode } from './types.js';

/** Kernel limit for interface names (IFNAMSIZ - 1 bytes). */
export const IFNAME_MAX = 15;

export function validLinkName(name: string): boolean {
  return name.length > 0 && Buffer.byteLength(name) <= IFNAME_MAX && name !== '.' && name !== '..' && !/[\s/:]/.test(name);
}

export function assertLinkName(name: string): void {
  if (!validLinkName(name)) throw new TypeError(`invalid interface name "${name}" (1-${IFNAME_MAX} bytes, no whitespace, '/' or ':')`);
}

const flag = (v: number | undefined) => (v === undefined ? undefined : v !== 0);

function parseBridgePort(info: Attrs): Link['bridgePort'] {
  const d = info.nested(IFLA_INFO.SLAVE_DATA);
  if (!d) return {};
  const port: NonNullable<Link['bridgePort']> = {};
  const hairpin = flag(d.u8(IFLA_BRPORT.MODE));
  const isolated = flag(d.u8(IFLA_BRPORT.ISOLATED));
  const learning = flag(d.u8(IFLA_BRPORT.LEARNING));
  if (hairpin !== undefined) port.hairpin = hairpin;
  if (isolated !== undefined) port.isolated = isolated;
  if (learning !== undefined) port.learning = learning;
  return port;
}

const nameOf = <T extends string>(table: Record<T, number>, v: number | undefined): T | undefined =>
  v === undefined ? undefined : (Object.keys(table) as T[]).find((k) => table[k] === v);

/** The kind-specific facts CHECK compares: macvlan/ipvlan mode, VLAN id. */
function parseKindData(link: Link, kind: string, data: Attrs | undefined): void {
  if (kind === 'vrf') link.vrf = { table: data?.u32(IFLA_VRF_TABLE) ?? 0 };
  if (!data) return;
  if (kind === 'macvlan' || kind === 'macvtap') {
    const mode = nameOf<MacvlanMode>(MACVLAN_MODE, data.u32(IFLA_MACVLAN_MODE));
    if (mode) link.macvlanMode = mode;
  } else if (kind === 'ipvlan') {
    const mode = nameOf<IpvlanMode>(IPVLAN_MODE, data.u16(IFLA_IPVLAN_MODE));
    if (mode) link.ipvlanMode = mode;
  } else if (kind === 'vlan') {
    const id = data.u16(IFLA_VLAN_ID);
    if (id !== undefined) link.vlanId = id;
  }
}

/** Decode an RTM_NEWLINK payload (a GET reply or one dump entry). */
export function parseLink(payload: Buffer): Link {
  const hdr = decodeIfInfoMsg(payload);
  const a = Attrs.parse(payload.subarray(IFINFOMSG_LEN));
  const oper = a.u8(IFLA.OPERSTATE) ?? 0;
  const mac = a.get(IFLA.ADDRESS);
  const link: Link = {
    index: hdr.index,
    name: a.string(IFLA.IFNAME) ?? '',
    mtu: a.u32(IFLA.MTU) ?? 0,
    mac: mac ? formatMac(mac) : '',
    flags: hdr.flags,
    up: (hdr.flags & IFF.UP) !== 0,
    operState: OPER_STATES[oper] ?? String(oper),
    promisc: (hdr.flags & IFF.PROMISC) !== 0,
  };
  const master = a.u32(IFLA.MASTER);
  if (master) link.masterIndex = master;
  const parent = a.u32(IFLA.LINK);
  if (parent) link.parentIndex = parent;
  const netnsId = a.i32(IFLA.LINK_NETNSID);
  if (netnsId !== undefined) link.linkNetnsId = netnsId;
  const txq = a.u32(IFLA.TXQLEN);
  if (txq !== undefined) link.txQLen = txq;
  const alias = a.string(IFLA.IFALIAS);
  if (alias) link.alias = alias;
  const info = a.nested(IFLA.LINKINFO);
  if (info) {
    const kind = info.string(IFLA_INFO.KIND);
    if (kind) link.kind = kind;
    if (kind === 'bridge') {
      const vf = flag(info.nested(IFLA_INFO.DATA)?.u8(IFLA_BR.VLAN_FILTERING));
      link.bridge = vf === undefined ? {} : { vlanFiltering: vf };
    }
    if (kind) parseKindData(link, kind, info.nested(IFLA_INFO.DATA));
    if (info.string(IFLA_INFO.SLAVE_KIND) === 'bridge') link.bridgePort = parseBridgePort(info);
  }
  return link;
}

/** Statistics are large and unused here: ask the kernel to leave them out. */
function extMask(w: AttrWriter, mask: number = RTEXT_FILTER.SKIP_STATS): AttrWriter {
  return w.u32(IFLA.EXT_MASK, mask);
}

function body(hdr: Parameters<typeof encodeIfInfoMsg>[0], attrs?: AttrWriter): Buffer {
  return attrs ? Buffer.concat([encodeIfInfoMsg(hdr), attrs.toBuffer()]) : encodeIfInfoMsg(hdr);
}

// Equivalent to: `ip link show dev NAME`
export function linkGetByNameRequest(name: string): NetlinkRequest {
  return { op: `link get "${name}"`, type: RTM.GETLINK, body: body({}, extMask(new AttrWriter().string(IFLA.IFNAME, name))) };
}

// Equivalent to: `ip link show` for one ifindex
export function linkGetByIndexRequest(index: number): NetlinkRequest {
  return { op: `link get index ${index}`, type: RTM.GETLINK, body: body({ index }, extMask(new AttrWriter())) };
}

// Equivalent to: `ip link show`
export function linkDumpRequest(): NetlinkRequest {
  return { op: 'link list', type: RTM.GETLINK, body: body({ family: AF_UNSPEC }, extMask(new AttrWriter())) };
}

// Equivalent to: `ip link del dev IFINDEX`
export function linkDelRequest(index: number): NetlinkRequest {
  return { op: `link del index ${index}`, type: RTM.DELLINK, body: body({ index }) };
}

export interface LinkChange {
  /** Set these IFF_* bits... */
  setFlags?: number;
  /** ...within this mask (bits in the mask but not in setFlags are cleared). */
  flagMask?: number;
  attrs?: (w: AttrWriter) => void;
}

/** RTM_NEWLINK on an existing index without NLM_F_CREATE: what `ip link set` sends. */
export function linkChangeRequest(op: string, index: number, change: LinkChange): NetlinkRequest {
  const w = new AttrWriter();
  change.attrs?.(w);
  const hdr = { index, flags: change.setFlags ?? 0, change: change.flagMask ?? 0 };
  return { op, type: RTM.NEWLINK, body: body(hdr, w.length ? w : undefined) };
}

// Equivalent to: `ip link set dev IFINDEX up|down` (likewise promisc / allmulticast on|off)
export function linkFlagRequest(index: number, bit: number, on: boolean, what: string): NetlinkRequest {
  return linkChangeRequest(`link set index ${index} ${what} ${on ? 'on' : 'off'}`, index, { setFlags: on ? bit : 0, flagMask: bit });
}

// Equivalent to: `ip link set dev IFINDEX mtu N`
export function linkSetMtuRequest(index: number, mtu: number): NetlinkRequest {
  return linkChangeRequest(`link set index ${index} mtu ${mtu}`, index, { attrs: (w) => w.u32(IFLA.MTU, mtu) });
}

// Equivalent to: `ip link set dev IFINDEX address MAC`
export function linkSetMacRequest(index: number, mac: string): NetlinkRequest {
  const bytes = parseMac(mac);
  return linkChangeRequest(`link set index ${index} address ${mac}`, index, { attrs: (w) => w.bytes(IFLA.ADDRESS, bytes) });
}

// Equivalent to: `ip link set dev IFINDEX master M` (`nomaster` for 0)
export function linkSetMasterRequest(index: number, masterIndex: number): NetlinkRequest {
  const what = masterIndex ? `master index ${masterIndex}` : 'nomaster';
  return linkChangeRequest(`link set index ${index} ${what}`, index, { attrs: (w) => w.u32(IFLA.MASTER, masterIndex) });
}

// Equivalent to: `ip link set dev IFINDEX name NAME`
export function linkSetNameRequest(index: number, name: string): NetlinkRequest {
  assertLinkName(name);
  return linkChangeRequest(`link set index ${index} name "${name}"`, index, { attrs: (w) => w.string(IFLA.IFNAME, name) });
}

// Equivalent to: `ip link set dev IFINDEX netns NSFD [name NAME]`
/** With `name`, the kernel gives the link that name in the target namespace in the same step. */
export function linkSetNetnsRequest(index: number, nsFd: number, name?: string): NetlinkRequest {
  if (name !== undefined) assertLinkName(name);
  const op = `link set index ${index} netns fd ${nsFd}${name !== undefined ? ` name "${name}"` : ''}`;
  return linkChangeRequest(op, index, {
    attrs: (w) => {
      w.u32(IFLA.NET_NS_FD, nsFd);
      if (name !== undefined) w.string(IFLA.IFNAME, name);
    },
  });
}

// Equivalent to: `ip link set dev IFINDEX alias TEXT` (an empty text removes the alias)
export function linkSetAliasRequest(index: number, alias: string): NetlinkRequest {
  if (Buffer.byteLength(alias) > 255) throw new TypeError(`interface alias too long (${Buffer.byteLength(alias)} bytes, at most 255)`);
  return linkChangeRequest(`link set index ${index} alias "${alias}"`, index, {
    // A zero-length attribute is what removes an alias; the kernel takes the text without its NUL.
    attrs: (w) => w.bytes(IFLA.IFALIAS, Buffer.from(alias, 'utf8')),
  });
}

// Equivalent to: `ip link set dev IFINDEX txqueuelen N`
export function linkSetTxQLenRequest(index: number, qlen: number): NetlinkRequest {
  return linkChangeRequest(`link set index ${index} txqueuelen ${qlen}`, index, { attrs: (w) => w.u32(IFLA.TXQLEN, qlen) });
}
