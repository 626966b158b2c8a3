/**
 * DHCPv4 messages (RFC 2131 section 2, RFC 2132 options): the fixed BOOTP header, the magic cookie
 * and the options, encoded and decoded. Options are kept as raw bytes by code; a long option is
 * split over several instances on encode and concatenated on decode (RFC 3396); an overloaded
 * `file`/`sname` field (option 52) is read as more options.
 */

export const BOOTREQUEST = 1;
export const BOOTREPLY = 2;
export const HTYPE_ETHER = 1;
export const BROADCAST_FLAG = 0x8000;
export const MAGIC_COOKIE = 0x63825363;
export const SERVER_PORT = 67;
export const CLIENT_PORT = 68;

/** Option 53 values. */
export const MessageType = {
  DISCOVER: 1,
  OFFER: 2,
  REQUEST: 3,
  DECLINE: 4,
  ACK: 5,
  NAK: 6,
  RELEASE: 7,
  INFORM: 8,
} as const;
export type MessageTypeValue = (typeof MessageType)[keyof typeof MessageType];

export const MESSAGE_TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(MessageType).map(([k, v]) => [v, `DHCP${k}`]));

/** Option codes this project reads or writes. */
export const Opt = {
  PAD: 0,
  SUBNET_MASK: 1,
  ROUTER: 3,
  DNS_SERVERS: 6,
  HOST_NAME: 12,
  DOMAIN_NAME: 15,
  STATIC_ROUTES: 33,
  REQUESTED_IP: 50,
  LEASE_TIME: 51,
  OVERLOAD: 52,
  MESSAGE_TYPE: 53,
  SERVER_ID: 54,
  PARAMETER_REQUEST_LIST: 55,
  MESSAGE: 56,
  MAX_MESSAGE_SIZE: 57,
  RENEWAL_TIME: 58,
  REBINDING_TIME: 59,
  VENDOR_CLASS_ID: 60,
  CLIENT_ID: 61,
  USER_CLASS: 77,
  DOMAIN_SEARCH: 119,
  CLASSLESS_ROUTES: 121,
  END: 255,
} as const;

export interface Dhcp4Message {
  op: number;
  htype: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** Client hardware address (hlen bytes). */
  chaddr: Buffer;
  sname: string;
  file: string;
  /** Option code -> value, in insertion order (which is the order written). */
  options: Map<number, Buffer>;
}

export class DhcpDecodeError extends Error {
  override name = 'DhcpDecodeError';
}

const HEADER_LEN = 236;
/** BOOTP's minimum message (RFC 951); some servers and relays drop shorter ones. */
const MIN_LEN = 300;

export function ip4ToBytes(ip: string): Buffer {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new TypeError(`not an IPv4 address: "${ip}"`);
  return Buffer.from(parts);
}

export function bytesToIp4(b: Buffer, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

export function newMessage(fields: Partial<Dhcp4Message> & Pick<Dhcp4Message, 'xid' | 'chaddr'>): Dhcp4Message {
  return {
    op: BOOTREQUEST,
    htype: HTYPE_ETHER,
    hops: 0,
    secs: 0,
    flags: 0,
    ciaddr: '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: '0.0.0.0',
    sname: '',
    file: '',
    options: new Map(),
    ...fields,
  };
}

function writeOption(out: number[], code: number, value: Buffer): void {
  // RFC 3396: a value longer than 255 bytes goes out as consecutive instances of the option.
  let off = 0;
  do {
    const chunk = value.subarray(off, off + 255);
    out.push(code, chunk.length, ...chunk);
    off += 255;
  } while (off < value.length);
}

export function encodeMessage(m: Dhcp4Message): Buffer {
  if (m.chaddr.length > 16) throw new TypeError('chaddr longer than 16 bytes');
  const head = Buffer.alloc(HEADER_LEN + 4);
  head[0] = m.op;
  head[1] = m.htype;
  head[2] = m.chaddr.length;
  head[3] = m.hops;
  head.writeUInt32BE(m.xid >>> 0, 4);
  head.writeUInt16BE(m.secs, 8);
  head.writeUInt16BE(m.flags, 10);
  ip4ToBytes(m.ciaddr).copy(head, 12);
  ip4ToBytes(m.yiaddr).copy(head, 16);
  ip4ToBytes(m.siaddr).copy(head, 20);
  ip4ToBytes(m.giaddr).copy(head, 24);
  m.chaddr.copy(head, 28);
  head.write(m.sname.slice(0, 63), 44, 'latin1');
  head.write(m.file.slice(0, 127), 108, 'latin1');
  head.writeUInt32BE(MAGIC_COOKIE, HEADER_LEN);
  const opts: number[] = [];
  // The message type first: some servers expect it there.
  const type = m.options.get(Opt.MESSAGE_TYPE);
  if (type) writeOption(opts, Opt.MESSAGE_TYPE, type);
  for (const [code, value] of m.options) if (code !== Opt.MESSAGE_TYPE) writeOption(opts, code, value);
  opts.push(Opt.END);
  const msg = Buffer.concat([head, Buffer.from(opts)]);
  return msg.length >= MIN_LEN ? msg : Buffer.concat([msg, Buffer.alloc(MIN_LEN - msg.length)]);
}

/** Parse an options area into `into` (concatenating repeated codes); returns option 52's value. */
function readOptions(buf: Buffer, into: Map<number, Buffer>, where: string): number {
  let overload = 0;
  let i = 0;
  while (i < buf.length) {
    const code = buf[i]!;
    if (code === Opt.PAD) {
      i++;
      continue;
    }
    if (code === Opt.END) break;
    if (i + 1 >= buf.length) throw new DhcpDecodeError(`${where}: option ${code} truncated`);
    const len = buf[i + 1]!;
    if (i + 2 + len > buf.length) throw new DhcpDecodeError(`${where}: option ${code} runs past the end (${len} bytes)`);
    const value = buf.subarray(i + 2, i + 2 + len);
    if (code === Opt.OVERLOAD && len === 1) overload = value[0]!;
    const prev = into.get(code);
    into.set(code, prev ? Buffer.concat([prev, value]) : Buffer.from(value));
    i += 2 + len;
  }
  return overload;
}

function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.subarray(0, nul < 0 ? b.length : nul).toString('latin1');
}

export function decodeMessage(buf: Buffer): Dhcp4Message {
  if (buf.length < HEADER_LEN + 4) throw new DhcpDecodeError(`message too short (${buf.length} bytes)`);
  if (buf.readUInt32BE(HEADER_LEN) !== MAGIC_COOKIE) throw new DhcpDecodeError('no DHCP magic cookie');
  const hlen = Math.min(buf[2]!, 16);
  const options = new Map<number, Buffer>();
  const overload = readOptions(buf.subarray(HEADER_LEN + 4), options, 'options');
  const fileField = buf.subarray(108, 236);
  const snameField = buf.subarray(44, 108);
  if (overload & 1) readOptions(fileField, options, 'file field');
  if (overload & 2) readOptions(snameField, options, 'sname field');
  return {
    op: buf[0]!,
    htype: buf[1]!,
    hops: buf[3]!,
    xid: buf.readUInt32BE(4),
    secs: buf.readUInt16BE(8),
    flags: buf.readUInt16BE(10),
    ciaddr: bytesToIp4(buf, 12),
    yiaddr: bytesToIp4(buf, 16),
    siaddr: bytesToIp4(buf, 20),
    giaddr: bytesToIp4(buf, 24),
    chaddr: Buffer.from(buf.subarray(28, 28 + hlen)),
    sname: overload & 2 ? '' : cString(snameField),
    file: overload & 1 ? '' : cString(fileField),
    options,
  };
}

export function messageType(m: Dhcp4Message): number | undefined {
  const v = m.options.get(Opt.MESSAGE_TYPE);
  return v && v.length === 1 ? v[0] : undefined;
}
