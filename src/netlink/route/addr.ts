/** Address requests (RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR dump) and the RTM_NEWADDR parser. */
import { AttrWriter, Attrs } from '../codec/attr.js';
import { NLM_F } from '../codec/consts.js';
import { afToFamily, familyToAf, formatIp, ipv4Broadcast, parseCidr, parseIp, type IpFamily } from '../codec/ip.js';
import { decodeIfAddrMsg, encodeIfAddrMsg, IFADDRMSG_LEN } from '../codec/structs.js';
import type { NetlinkRequest } from '../transport.js';
import { AF_UNSPEC, IFA, IFA_F, RTM } from './consts.js';
import type { Addr, AddrAddOptions } from './types.js';

/** Decode one RTM_NEWADDR payload; undefined for families other than IPv4/IPv6. */
export function parseAddr(payload: Buffer): Addr | undefined {
  const hdr = decodeIfAddrMsg(payload);
  const family = afToFamily(hdr.family);
  if (!family) return undefined;
  const a = Attrs.parse(payload.subarray(IFADDRMSG_LEN));
  // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer on point-to-point links
  // (IPv6 sends only IFA_ADDRESS).
  const raw = a.get(IFA.LOCAL) ?? a.get(IFA.ADDRESS);
  if (!raw) return undefined;
  const address = formatIp(raw);
  const addr: Addr = {
    index: hdr.index,
    family,
    address,
    prefixLen: hdr.prefixLen,
    cidr: `${address}/${hdr.prefixLen}`,
    scope: hdr.scope,
    flags: a.u32(IFA.FLAGS) ?? hdr.flags,
  };
  const label = a.string(IFA.LABEL);
  if (label) addr.label = label;
  return addr;
}

// Equivalent to: `ip [-4|-6] addr show [dev IFINDEX]`
export function addrDumpRequest(filter: { family?: IpFamily; index?: number } = {}): NetlinkRequest {
  const family = filter.family ? familyToAf(filter.family) : AF_UNSPEC;
  // With NETLINK_GET_STRICT_CHK the kernel filters on ifa_index; the caller filters again.
  return { op: 'addr list', type: RTM.GETADDR, body: encodeIfAddrMsg({ family, index: filter.index ?? 0 }) };
}

function addrBody(index: number, cidr: string, opts: AddrAddOptions): Buffer {
  const c = parseCidr(cidr);
  let flags = 0;
  if (opts.noDad) flags |= IFA_F.NODAD;
  if (opts.noPrefixRoute) flags |= IFA_F.NOPREFIXROUTE;
  const w = new AttrWriter().bytes(IFA.LOCAL, c.bytes).bytes(IFA.ADDRESS, c.bytes);
  if (c.family === 4) {
    if (opts.broadcast) {
      const b = parseIp(opts.broadcast);
      if (b.family !== 4) throw new TypeError(`broadcast "${opts.broadcast}" is not IPv4`);
      w.bytes(IFA.BROADCAST, b.bytes);
    } else if (c.prefixLen < 31) {
      w.bytes(IFA.BROADCAST, ipv4Broadcast(c.bytes, c.prefixLen));
    }
  }
  // ifa_flags is 8 bits; larger flag sets go in IFA_FLAGS (as iproute2 does).
  if (flags > 0xff) w.u32(IFA.FLAGS, flags);
  const hdr = encodeIfAddrMsg({ family: familyToAf(c.family), prefixLen: c.prefixLen, flags: flags & 0xff, scope: opts.scope ?? 0, index });
  return Buffer.concat([hdr, w.toBuffer()]);
}

// Equivalent to: `ip addr add|replace CIDR [broadcast B] [scope S] [nodad] [noprefixroute] dev IFINDEX`
export function addrAddRequest(index: number, cidr: string, opts: AddrAddOptions = {}): NetlinkRequest {
  return {
    op: `addr ${opts.replace ? 'replace' : 'add'} ${cidr} index ${index}`,
    type: RTM.NEWADDR,
    flags: NLM_F.CREATE | (opts.replace ? NLM_F.REPLACE : NLM_F.EXCL),
    body: addrBody(index, cidr, opts),
  };
}

// Equivalent to: `ip addr del CIDR dev IFINDEX`
export function addrDelRequest(index: number, cidr: string): NetlinkRequest {
  const c = parseCidr(cidr);
  const w = new AttrWriter().bytes(IFA.LOCAL, c.bytes).bytes(IFA.ADDRESS, c.bytes);
  const hdr = encodeIfAddrMsg({ family: familyToAf(c.family), prefixLen: c.prefixLen, index });
  return { op: `addr del ${cidr} index ${index}`, type: RTM.DELADDR, body: Buffer.concat([hdr, w.toBuffer()]) };
}
