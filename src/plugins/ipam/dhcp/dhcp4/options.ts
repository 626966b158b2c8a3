/**
 * Typed views of DHCPv4 option values (RFC 2132, RFC 3397 domain search, RFC 3442 classless
 * static routes), both ways: decoders for what servers send, encoders for what the client sends
 * and for tests.
 */
import { bytesToIp4, DhcpDecodeError, ip4ToBytes } from './message.js';

export function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

export function readU32(v: Buffer | undefined): number | undefined {
  return v && v.length === 4 ? v.readUInt32BE(0) : undefined;
}

export function readIp(v: Buffer | undefined): string | undefined {
  return v && v.length === 4 ? bytesToIp4(v) : undefined;
}

export function readIpList(v: Buffer | undefined): string[] {
  const out: string[] = [];
  if (!v) return out;
  for (let i = 0; i + 4 <= v.length; i += 4) out.push(bytesToIp4(v, i));
  return out;
}

export function ipList(ips: string[]): Buffer {
  return Buffer.concat(ips.map(ip4ToBytes));
}

/** Netmask bytes -> prefix length; undefined unless the mask is contiguous. */
export function maskToPrefix(v: Buffer | undefined): number | undefined {
  if (!v || v.length !== 4) return undefined;
  const n = v.readUInt32BE(0);
  let ones = 0;
  while (ones < 32 && n & (0x80000000 >>> ones)) ones++;
  const rebuilt = ones === 0 ? 0 : (0xffffffff << (32 - ones)) >>> 0;
  return rebuilt === n ? ones : undefined;
}

export interface StaticRoute {
  /** Destination in CIDR notation. */
  dst: string;
  gw: string;
}

/** Option 121 (RFC 3442): width, significant destination octets, router; repeated. */
export function decodeClasslessRoutes(v: Buffer | undefined): StaticRoute[] {
  const out: StaticRoute[] = [];
  if (!v) return out;
  let i = 0;
  while (i < v.length) {
    const width = v[i]!;
    if (width > 32) throw new DhcpDecodeError(`option 121: prefix length ${width} > 32`);
    const sig = Math.ceil(width / 8);
    if (i + 1 + sig + 4 > v.length) throw new DhcpDecodeError('option 121: truncated route');
    const dst = Buffer.alloc(4);
    v.copy(dst, 0, i + 1, i + 1 + sig);
    out.push({ dst: `${bytesToIp4(dst)}/${width}`, gw: bytesToIp4(v, i + 1 + sig) });
    i += 1 + sig + 4;
  }
  return out;
}

export function encodeClasslessRoutes(routes: StaticRoute[]): Buffer {
  const parts: Buffer[] = [];
  for (const r of routes) {
    const [ip, w] = r.dst.split('/');
    const width = Number(w);
    const sig = Math.ceil(width / 8);
    parts.push(Buffer.from([width]), ip4ToBytes(ip!).subarray(0, sig), ip4ToBytes(r.gw));
  }
  return Buffer.concat(parts);
}

/** The classful network of an address (option 33 destinations carry no mask). */
function classfulPrefix(first: number): number {
  if (first < 128) return 8;
  if (first < 192) return 16;
  return 24;
}

/** Option 33: destination and router pairs, destinations classful. */
export function decodeStaticRoutes(v: Buffer | undefined): StaticRoute[] {
  const out: StaticRoute[] = [];
  if (!v) return out;
  for (let i = 0; i + 8 <= v.length; i += 8) out.push({ dst: `${bytesToIp4(v, i)}/${classfulPrefix(v[i]!)}`, gw: bytesToIp4(v, i + 4) });
  return out;
}

/** Option 119 (RFC 3397): DNS names in RFC 1035 wire form, with compression pointers. */
export function decodeDomainSearch(v: Buffer | undefined): string[] {
  const out: string[] = [];
  if (!v) return out;
  let i = 0;
  while (i < v.length) {
    const { name, next } = readName(v, i);
    if (name) out.push(name);
    i = next;
  }
  return out;
}

function readName(v: Buffer, start: number): { name: string; next: number } {
  const labels: string[] = [];
  let i = start;
  let next = -1;
  for (let hops = 0; ; hops++) {
    if (hops > 128) throw new DhcpDecodeError('option 119: compression loop');
    if (i >= v.length) throw new DhcpDecodeError('option 119: name runs past the end');
    const len = v[i]!;
    if (len === 0) {
      if (next < 0) next = i + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (i + 1 >= v.length) throw new DhcpDecodeError('option 119: truncated pointer');
      if (next < 0) next = i + 2;
      const target = ((len & 0x3f) << 8) | v[i + 1]!;
      if (target >= v.length) throw new DhcpDecodeError('option 119: pointer past the end');
      i = target;
      continue;
    }
    if (i + 1 + len > v.length) throw new DhcpDecodeError('option 119: label runs past the end');
    labels.push(v.subarray(i + 1, i + 1 + len).toString('latin1'));
    i += 1 + len;
  }
  return { name: labels.join('.'), next };
}

/** Option 119 without compression (for the client side of tests and for completeness). */
export function encodeDomainSearch(names: string[]): Buffer {
  const parts: number[] = [];
  for (const n of names) {
    for (const label of n.split('.').filter(Boolean)) parts.push(label.length, ...Buffer.from(label, 'latin1'));
    parts.push(0);
  }
  return Buffer.from(parts);
}

/** Option 15 and other text options: trailing NULs (sent by some servers) dropped. */
export function readText(v: Buffer | undefined): string | undefined {
  if (!v) return undefined;
  return v.toString('latin1').replace(/\0+$/, '');
}

/** Option 61 as the reference sends it: type 0 (not a hardware address), then the id's bytes. */
export function clientIdOption(clientId: string): Buffer {
  return Buffer.concat([Buffer.from([0]), Buffer.from(clientId, 'utf8')]);
}
