/**
 * RTM_NEWLINK with NLM_F_CREATE|NLM_F_EXCL: the attributes every kind shares, then
 * IFLA_LINKINFO { IFLA_INFO_KIND, IFLA_INFO_DATA { kind specific } }.
 */
import { AttrWriter, NLA_F_NESTED } from '../codec/attr.js';
import { parseMac } from '../codec/mac.js';
import { encodeIfInfoMsg } from '../codec/structs.js';
import { NLM_F } from '../codec/consts.js';
import type { NetlinkRequest } from '../transport.js';
import { IFLA, IFLA_INFO, RTM } from './consts.js';
import { KIND_DATA } from './kinds/index.js';
import { assertLinkName } from './link.js';
import type { LinkSpec } from './types.js';

/** Fields outside IFLA_LINKINFO; present on some kinds only. */
interface CommonFields {
  name: string;
  mtu?: number;
  mac?: string;
  txQLen?: number;
  parentIndex?: number;
  nsFd?: number;
}

function writeCommon(s: CommonFields, w: AttrWriter, withParent: boolean): void {
  w.string(IFLA.IFNAME, s.name);
  if (s.mtu !== undefined) w.u32(IFLA.MTU, s.mtu);
  if (s.mac) w.bytes(IFLA.ADDRESS, parseMac(s.mac));
  if (s.txQLen !== undefined) w.u32(IFLA.TXQLEN, s.txQLen);
  if (withParent && s.parentIndex !== undefined) w.u32(IFLA.LINK, s.parentIndex);
  if (s.nsFd !== undefined) w.u32(IFLA.NET_NS_FD, s.nsFd);
}

// Equivalent to: `ip link add NAME [mtu M] [address MAC] [link PARENT] type KIND ...`
export function linkAddRequest(spec: LinkSpec): NetlinkRequest {
  assertLinkName(spec.name);
  const writeData = KIND_DATA[spec.kind] as ((s: LinkSpec, w: AttrWriter) => void) | null | undefined;
  if (writeData === undefined) throw new TypeError(`unsupported link kind "${(spec as { kind: string }).kind}"`);
  const w = new AttrWriter();
  // vxlan names its lower device inside IFLA_INFO_DATA (IFLA_VXLAN_LINK), not as IFLA_LINK.
  writeCommon(spec as CommonFields, w, spec.kind !== 'vxlan');
  w.nested(IFLA.LINKINFO, (info) => {
    info.string(IFLA_INFO.KIND, spec.kind);
    if (!writeData) return;
    const data = new AttrWriter();
    writeData(spec, data);
    if (data.length) info.attr(IFLA_INFO.DATA | NLA_F_NESTED, data.toBuffer());
  });
  return {
    op: `link add ${spec.name} (${spec.kind})`,
    type: RTM.NEWLINK,
    flags: NLM_F.CREATE | NLM_F.EXCL,
    body: Buffer.concat([encodeIfInfoMsg(), w.toBuffer()]),
  };
}
