/**
 * DHCPv4 client transactions (RFC 2131 section 4.4) over one IfaceSocket: DISCOVER/OFFER/
 * REQUEST/ACK for a new lease, REQUEST to the server (renewing) or broadcast (rebinding), RELEASE.
 * A transmission is repeated until a reply comes or the deadline passes: a few fast resends
 * (2 s), then exponential backoff from 4 s up to -resendmax, each wait at most -timeout, with
 * +/-0.5 s of jitter; a reply to any earlier transmission of the same transaction counts.
 */
import { randomInt } from 'node:crypto';
import type { IfaceSocket } from './iface-socket.js';
import type { OptionsPlan } from './options-plan.js';
import {
  BOOTREPLY,
  BROADCAST_FLAG,
  decodeMessage,
  type Dhcp4Message,
  encodeMessage,
  ip4ToBytes,
  MESSAGE_TYPE_NAMES,
  MessageType,
  messageType,
  newMessage,
  Opt,
  SERVER_PORT,
} from '../dhcp4/message.js';
import { clientIdOption, readIp } from '../dhcp4/options.js';

export interface ClientTiming {
  /** Longest wait for a reply to one transmission. */
  timeoutMs: number;
  /** Longest delay between retransmissions. */
  resendMaxMs: number;
  /** How long one acquisition keeps trying before it gives up. */
  resendTimeoutMs: number;
}

export interface ClientIdentity {
  clientId: string;
  plan: OptionsPlan;
}

export class DhcpTimeoutError extends Error {
  override name = 'DhcpTimeoutError';
}
export class DhcpNakError extends Error {
  override name = 'DhcpNakError';
}

const FAST_RESENDS = 4;
const FAST_DELAY_MS = 2000;
const FIRST_DELAY_MS = 4000;
const MAX_MESSAGE_SIZE = 1500;
const BROADCAST = '255.255.255.255';

function* resendDelays(t: ClientTiming): Generator<number> {
  for (let i = 0; i < FAST_RESENDS; i++) yield FAST_DELAY_MS;
  for (let d = FIRST_DELAY_MS; ; d = Math.min(d * 2, t.resendMaxMs)) yield d;
}

function jitter(ms: number): number {
  return Math.max(100, ms + randomInt(-500, 501));
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/**
 * Send `build()` to dest until `accept` returns a message (or throws), the deadline passes or the
 * signal aborts. Replies are matched on xid and chaddr.
 */
function transact(
  s: IfaceSocket,
  xid: number,
  build: () => Buffer,
  dest: string,
  accept: (m: Dhcp4Message) => Dhcp4Message | undefined,
  deadline: number,
  timing: ClientTiming,
  signal?: AbortSignal,
): Promise<Dhcp4Message> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const delays = resendDelays(timing);
    let timer: NodeJS.Timeout | undefined;
    const finish = (err: Error | undefined, m?: Dhcp4Message) => {
      clearTimeout(timer);
      s.socket.off('message', onMessage);
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(m!);
    };
    const onAbort = () => finish(abortError(signal!));
    const onMessage = (buf: Buffer) => {
      let m: Dhcp4Message;
      try {
        m = decodeMessage(buf);
      } catch {
        return; // not ours to worry about
      }
      if (m.op !== BOOTREPLY || m.xid !== xid || !m.chaddr.equals(s.mac)) return;
      try {
        const done = accept(m);
        if (done) finish(undefined, done);
      } catch (err) {
        finish(err as Error);
      }
    };
    const sendNext = () => {
      const left = deadline - Date.now();
      if (left <= 0) return finish(new DhcpTimeoutError('no answer from a DHCP server'));
      s.socket.send(build(), SERVER_PORT, dest, (err) => {
        if (err) finish(err);
      });
      timer = setTimeout(sendNext, Math.min(jitter(Math.min(delays.next().value as number, timing.timeoutMs)), left));
    };
    s.socket.on('message', onMessage);
    signal?.addEventListener('abort', onAbort, { once: true });
    sendNext();
  });
}

function newXid(): number {
  return randomInt(0, 0x100000000);
}

function baseOptions(id: ClientIdentity, type: number, withParams: boolean): Map<number, Buffer> {
  const o = new Map<number, Buffer>([[Opt.MESSAGE_TYPE, Buffer.from([type])]]);
  o.set(Opt.CLIENT_ID, clientIdOption(id.clientId));
  if (!withParams) return o;
  o.set(Opt.MAX_MESSAGE_SIZE, Buffer.from([MAX_MESSAGE_SIZE >> 8, MAX_MESSAGE_SIZE & 0xff]));
  for (const [code, value] of id.plan.provided) o.set(code, value);
  if (id.plan.requested.length) o.set(Opt.PARAMETER_REQUEST_LIST, Buffer.from(id.plan.requested));
  return o;
}

function isType(m: Dhcp4Message, type: number): boolean {
  return messageType(m) === type;
}

function nakError(m: Dhcp4Message): DhcpNakError {
  const text = m.options.get(Opt.MESSAGE)?.toString('utf8');
  return new DhcpNakError(`DHCP server sent DHCPNAK${text ? `: ${text}` : ''}`);
}

/** A reply to a REQUEST: the ACK, or a NAK thrown as DhcpNakError. */
function ackOrNak(m: Dhcp4Message): Dhcp4Message | undefined {
  if (isType(m, MessageType.ACK)) return m;
  if (isType(m, MessageType.NAK)) throw nakError(m);
  return undefined;
}

/**
 * INIT -> BOUND: DISCOVER, take the first OFFER, REQUEST it, wait for the ACK. `requestedIp`
 * asks for the address held before (a restart, an expired lease). A NAK starts over.
 */
export async function acquire(s: IfaceSocket, id: ClientIdentity, timing: ClientTiming, requestedIp: string | undefined, signal?: AbortSignal): Promise<Dhcp4Message> {
  const deadline = Date.now() + timing.resendTimeoutMs;
  for (;;) {
    const xid = newXid();
    const started = Date.now();
    const secs = () => Math.min(0xffff, Math.floor((Date.now() - started) / 1000));
    const offer = await transact(
      s,
      xid,
      () => {
        const o = baseOptions(id, MessageType.DISCOVER, true);
        if (requestedIp) o.set(Opt.REQUESTED_IP, ip4ToBytes(requestedIp));
        return encodeMessage(newMessage({ xid, chaddr: s.mac, flags: BROADCAST_FLAG, secs: secs(), options: o }));
      },
      BROADCAST,
      (m) => (isType(m, MessageType.OFFER) && m.yiaddr !== '0.0.0.0' ? m : undefined),
      deadline,
      timing,
      signal,
    );
    const serverId = readIp(offer.options.get(Opt.SERVER_ID));
    try {
      return await transact(
        s,
        xid,
        () => {
          const o = baseOptions(id, MessageType.REQUEST, true);
          o.set(Opt.REQUESTED_IP, ip4ToBytes(offer.yiaddr));
          if (serverId) o.set(Opt.SERVER_ID, ip4ToBytes(serverId));
          return encodeMessage(newMessage({ xid, chaddr: s.mac, flags: BROADCAST_FLAG, secs: secs(), options: o }));
        },
        BROADCAST,
        ackOrNak,
        deadline,
        timing,
        signal,
      );
    } catch (err) {
      if (!(err instanceof DhcpNakError) || Date.now() >= deadline) throw err;
      requestedIp = undefined; // the server will not give that one: take what it offers
    }
  }
}

/**
 * RENEWING (unicast to the server that granted the lease) or REBINDING (broadcast to any server):
 * REQUEST with ciaddr set, until the deadline (T2 for renewing, expiry for rebinding).
 */
export function extend(s: IfaceSocket, id: ClientIdentity, timing: ClientTiming, address: string, server: string | undefined, deadline: number, signal?: AbortSignal): Promise<Dhcp4Message> {
  const xid = newXid();
  return transact(
    s,
    xid,
    () => encodeMessage(newMessage({ xid, chaddr: s.mac, ciaddr: address, options: baseOptions(id, MessageType.REQUEST, true) })),
    server ?? BROADCAST,
    ackOrNak,
    deadline,
    timing,
    signal,
  );
}

/** RELEASE to the server, once (the server sends no reply). */
export function release(s: IfaceSocket, id: ClientIdentity, address: string, server: string): Promise<void> {
  const o = baseOptions(id, MessageType.RELEASE, false);
  o.set(Opt.SERVER_ID, ip4ToBytes(server));
  const msg = encodeMessage(newMessage({ xid: newXid(), chaddr: s.mac, ciaddr: address, options: o }));
  return new Promise((resolve, reject) => s.socket.send(msg, SERVER_PORT, server, (err) => (err ? reject(err) : resolve())));
}

export function describe(m: Dhcp4Message): string {
  return MESSAGE_TYPE_NAMES[messageType(m) ?? 0] ?? `message type ${messageType(m)}`;
}
