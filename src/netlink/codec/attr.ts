/**
 * Netlink attributes (struct nlattr): 16-bit length, 16-bit type, payload, padded to 4 bytes.
 * The length covers header + payload but not the trailing padding (NLA_ALIGN).
 * Values are host-endian (little-endian on every platform this project ships for) unless a
 * helper says `be` (network byte order, e.g. IFLA_VXLAN_PORT).
 */
import { NetlinkDecodeError } from '../errors.js';

export const NLA_HDRLEN = 4;
export const NLA_F_NESTED = 0x8000;
export const NLA_F_NET_BYTEORDER = 0x4000;
export const NLA_TYPE_MASK = 0xffff & ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

export const align4 = (n: number): number => (n + 3) & ~3;

/** One decoded attribute. `rawType` keeps the flag bits so re-encoding is byte-exact. */
export interface Attr {
  readonly type: number;
  readonly rawType: number;
  readonly data: Buffer;
}

export interface NestOptions {
  /** Set NLA_F_NESTED (default true; the kernel's own dumps set it). */
  flag?: boolean;
}

/** Builds a run of attributes; `toBuffer()` returns them with padding between. */
export class AttrWriter {
  private readonly parts: Buffer[] = [];
  private size = 0;

  /** Append an attribute with an already-encoded payload. `type` may carry NLA_F_* bits. */
  attr(type: number, payload: Uint8Array): this {
    const len = NLA_HDRLEN + payload.length;
    const buf = Buffer.alloc(align4(len));
    buf.writeUInt16LE(len, 0);
    buf.writeUInt16LE(type, 2);
    buf.set(payload, NLA_HDRLEN);
    this.parts.push(buf);
    this.size += buf.length;
    return this;
  }

  flag(type: number): this {
    return this.attr(type, Buffer.alloc(0));
  }
  u8(type: number, v: number): this {
    return this.attr(type, Buffer.from([v & 0xff]));
  }
  u16(type: number, v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v);
    return this.attr(type, b);
  }
  u16be(type: number, v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v);
    return this.attr(type, b);
  }
  u32(type: number, v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    return this.attr(type, b);
  }
  i32(type: number, v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    return this.attr(type, b);
  }
  u32be(type: number, v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    return this.attr(type, b);
  }
  u64(type: number, v: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(v);
    return this.attr(type, b);
  }
  /** NUL-terminated string, as the kernel's NLA_STRING / NLA_NUL_STRING policies expect. */
  string(type: number, s: string): this {
    return this.attr(type, Buffer.concat([Buffer.from(s, 'utf8'), Buffer.alloc(1)]));
  }
  bytes(type: number, b: Uint8Array): this {
    return this.attr(type, b);
  }
  /** A nested attribute whose children `fill` writes. */
  nested(type: number, fill: (w: AttrWriter) => void, opts: NestOptions = {}): this {
    const child = new AttrWriter();
    fill(child);
    return this.attr(opts.flag === false ? type : type | NLA_F_NESTED, child.toBuffer());
  }
  /** Re-emit decoded attributes unchanged (unknown ones included). */
  attrs(list: Iterable<Attr>): this {
    for (const a of list) this.attr(a.rawType, a.data);
    return this;
  }

  get length(): number {
    return this.size;
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

/** Decode a run of attributes. Malformed lengths raise NetlinkDecodeError. */
export function parseAttrs(buf: Buffer): Attr[] {
  const out: Attr[] = [];
  let off = 0;
  while (off + NLA_HDRLEN <= buf.length) {
    const len = buf.readUInt16LE(off);
    const rawType = buf.readUInt16LE(off + 2);
    if (len < NLA_HDRLEN || off + len > buf.length) {
      throw new NetlinkDecodeError(`attribute type ${rawType & NLA_TYPE_MASK} at offset ${off} has bad length ${len}`);
    }
    out.push({ type: rawType & NLA_TYPE_MASK, rawType, data: buf.subarray(off + NLA_HDRLEN, off + len) });
    off += align4(len);
  }
  return out;
}

/** Typed, by-type access to a decoded attribute run (the last one wins for duplicates). */
export class Attrs implements Iterable<Attr> {
  readonly list: readonly Attr[];
  private readonly byType = new Map<number, Buffer>();

  constructor(list: readonly Attr[]) {
    this.list = list;
    for (const a of list) this.byType.set(a.type, a.data);
  }
  static parse(buf: Buffer): Attrs {
    return new Attrs(parseAttrs(buf));
  }
  [Symbol.iterator](): Iterator<Attr> {
    return this.list[Symbol.iterator]();
  }

  has(type: number): boolean {
    return this.byType.has(type);
  }
  get(type: number): Buffer | undefined {
    return this.byType.get(type);
  }
  all(type: number): Buffer[] {
    return this.list.filter((a) => a.type === type).map((a) => a.data);
  }
  u8(type: number): number | undefined {
    return this.sized(type, 1)?.readUInt8(0);
  }
  u16(type: number): number | undefined {
    return this.sized(type, 2)?.readUInt16LE(0);
  }
  u16be(type: number): number | undefined {
    return this.sized(type, 2)?.readUInt16BE(0);
  }
  u32(type: number): number | undefined {
    return this.sized(type, 4)?.readUInt32LE(0);
  }
  i32(type: number): number | undefined {
    return this.sized(type, 4)?.readInt32LE(0);
  }
  u64(type: number): bigint | undefined {
    return this.sized(type, 8)?.readBigUInt64LE(0);
  }
  /** String payload without its terminating NUL (and anything after it). */
  string(type: number): string | undefined {
    const b = this.get(type);
    if (!b) return undefined;
    const nul = b.indexOf(0);
    return b.toString('utf8', 0, nul < 0 ? b.length : nul);
  }
  nested(type: number): Attrs | undefined {
    const b = this.get(type);
    return b ? Attrs.parse(b) : undefined;
  }

  private sized(type: number, n: number): Buffer | undefined {
    const b = this.get(type);
    if (!b) return undefined;
    if (b.length < n) throw new NetlinkDecodeError(`attribute type ${type}: ${b.length} bytes, expected ${n}`);
    return b;
  }
}
