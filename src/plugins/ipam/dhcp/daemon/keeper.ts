/**
 * One attachment's lease, kept alive: BOUND until T1, then RENEWING (REQUEST to the server) until
 * T2, then REBINDING (REQUEST broadcast) until expiry, then INIT (a new DISCOVER asking for the same
 * address) until a server answers or the attachment goes. Every ACK is persisted before anything
 * else happens, so a daemon killed at any point restarts with the newest lease. An attachment whose
 * namespace or interface no longer exists is forgotten (its state file removed); no RELEASE can be
 * sent then (the interface is gone), so the server lets the lease run out.
 */
import type { Logger } from '../../../../log/logger.js';
import { NetnsNotFoundError, NotANetnsError } from '../../../../lib/ns/index.js';
import { isNotFound } from '../../../../netlink/index.js';
import type { Dhcp4Message } from '../dhcp4/message.js';
import { leaseFromAck, leaseResult } from '../dhcp4/lease-info.js';
import type { Result } from '../../../../spec/types.js';
import { acquire, type ClientIdentity, type ClientTiming, DhcpNakError, DhcpTimeoutError, extend, release } from './exchange.js';
import { attachmentExists, NetnsReplacedError, openIfaceSocket, type IfaceSocket } from './iface-socket.js';
import type { LeaseRecord, LeaseStore } from './store.js';

export interface KeeperEnv {
  store: LeaseStore;
  timing: ClientTiming;
  /** T1 and T2 are multiplied by this (0 < scale <= 1): renew earlier than the server asks. */
  renewScale: number;
  log: Logger;
  /** Called when the keeper gives up its attachment for good (gone, released). */
  onForget(k: LeaseKeeper): void;
}

export type KeeperState = 'bound' | 'renewing' | 'rebinding' | 'init' | 'stopped';

/** The attachment is gone: its namespace or interface does not exist any more. */
export function isGone(err: unknown): boolean {
  return err instanceof NetnsNotFoundError || err instanceof NotANetnsError || err instanceof NetnsReplacedError || isNotFound(err);
}

/** Timers cannot wait longer than this (about 24.8 days): longer waits are taken in steps. */
const MAX_TIMER_MS = 0x7fffffff;
/** After a failed step that did not use up its time (e.g. no route yet), wait this long. */
const RETRY_DELAY_MS = 4000;

export type NewRecord = Omit<LeaseRecord, 'lease' | 'boundAt' | 'renewAt' | 'rebindAt' | 'expiresAt' | 'version' | 'netnsId'>;

export class LeaseKeeper {
  state: KeeperState = 'bound';
  private timer: NodeJS.Timeout | undefined;
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;

  private constructor(
    private readonly env: KeeperEnv,
    public record: LeaseRecord,
  ) {}

  get clientId(): string {
    return this.record.clientId;
  }

  private get identity(): ClientIdentity {
    return { clientId: this.record.clientId, plan: { requested: this.record.requested, provided: this.record.provided.map(([c, v]) => [c, Buffer.from(v, 'base64')]) } };
  }

  private get log(): Logger {
    return this.env.log.child({ clientId: this.record.clientId });
  }

  result(): Result {
    return leaseResult(this.record.lease, this.record.priority);
  }

  expired(now = Date.now()): boolean {
    return now >= this.record.expiresAt;
  }

  /** ADD: run INIT now; resolves once bound (persisted, maintained) or rejects. */
  static async acquire(env: KeeperEnv, init: NewRecord): Promise<LeaseKeeper> {
    const placeholder = { version: 1, ...init, lease: undefined as never, boundAt: 0, renewAt: 0, rebindAt: 0, expiresAt: 0 } satisfies LeaseRecord;
    const k = new LeaseKeeper(env, placeholder);
    k.log.info({ netns: init.netns, ifName: init.ifName }, 'acquiring lease');
    k.abort = new AbortController();
    const s = await openIfaceSocket(init.netns, init.ifName);
    k.record.netnsId = s.netnsId;
    try {
      k.commit(await acquire(s, k.identity, env.timing, undefined, k.abort.signal));
    } finally {
      s.close();
      k.abort = undefined;
    }
    k.log.info({ address: k.record.lease.address, expires: new Date(k.record.expiresAt).toISOString() }, 'lease acquired');
    k.schedule();
    return k;
  }

  /** A record loaded at start-up: continue where the previous daemon stopped. */
  static resume(env: KeeperEnv, record: LeaseRecord): LeaseKeeper {
    const k = new LeaseKeeper(env, record);
    k.log.info({ address: record.lease.address, renewAt: new Date(record.renewAt).toISOString(), expires: new Date(record.expiresAt).toISOString() }, 'resuming lease');
    k.schedule();
    return k;
  }

  private commit(ack: Dhcp4Message): void {
    const lease = leaseFromAck(ack, this.record.lease?.serverId);
    const now = Date.now();
    const scale = this.env.renewScale;
    this.record = {
      ...this.record,
      lease,
      boundAt: now,
      renewAt: now + Math.round(lease.renewalTime * 1000 * scale),
      rebindAt: now + Math.round(lease.rebindingTime * 1000 * scale),
      expiresAt: now + lease.leaseTime * 1000,
    };
    this.env.store.save(this.record);
    if (this.state !== 'stopped') this.state = 'bound'; // an ACK that raced a DEL does not revive the keeper
  }

  private schedule(minDelayMs = 0): void {
    if (this.state === 'stopped') return;
    const now = Date.now();
    const r = this.record;
    const next: KeeperState = now >= r.expiresAt ? 'init' : now >= r.rebindAt ? 'rebinding' : now >= r.renewAt ? 'renewing' : 'bound';
    const wait = Math.max(minDelayMs, next === 'bound' ? r.renewAt - now : 0);
    if (wait > 0) {
      this.timer = setTimeout(() => this.schedule(), Math.min(wait, MAX_TIMER_MS));
      return;
    }
    this.state = next;
    const run: Promise<void> = this.step(next)
      .catch((err: unknown) => {
        // step() handles the protocol's failures; this is the unexpected (e.g. the state dir).
        this.log.error({ state: next, err: String(err) }, 'lease maintenance failed unexpectedly');
        this.schedule(RETRY_DELAY_MS);
      })
      .finally(() => {
        // step() may already have scheduled (and started) the next step.
        if (this.running === run) this.running = undefined;
      });
    this.running = run;
  }

  private async step(kind: KeeperState): Promise<void> {
    const r = this.record;
    const log = this.log;
    this.abort = new AbortController();
    let retryIn = 0;
    let s: IfaceSocket | undefined;
    try {
      s = await openIfaceSocket(r.netns, r.ifName, r.netnsId);
      if (kind === 'renewing') {
        log.info({ address: r.lease.address, server: r.lease.serverId }, 'renewing lease');
        this.commit(await extend(s, this.identity, this.env.timing, r.lease.address, r.lease.serverId, r.rebindAt, this.abort.signal));
        log.info({ expires: new Date(this.record.expiresAt).toISOString() }, 'lease renewed');
      } else if (kind === 'rebinding') {
        log.info({ address: r.lease.address }, 'renewal time expired, rebinding');
        this.commit(await extend(s, this.identity, this.env.timing, r.lease.address, undefined, r.expiresAt, this.abort.signal));
        log.info({ expires: new Date(this.record.expiresAt).toISOString() }, 'lease rebound');
      } else {
        log.warn({ address: r.lease.address }, 'lease expired or refused, asking for a new one');
        this.commit(await acquire(s, this.identity, this.env.timing, r.lease.address, this.abort.signal));
        if (this.record.lease.address !== r.lease.address) log.warn({ old: r.lease.address, address: this.record.lease.address }, 'the server gave a different address; the interface still has the old one');
        else log.info({ expires: new Date(this.record.expiresAt).toISOString() }, 'lease acquired again');
      }
    } catch (err) {
      if (this.state === 'stopped') return;
      if (isGone(err)) {
        log.info({ netns: r.netns, ifName: r.ifName, err: String(err) }, 'attachment is gone: forgetting its lease');
        this.forget();
        return;
      }
      if (err instanceof DhcpNakError) {
        log.warn({ err: err.message }, 'lease refused by the server');
        this.record = { ...this.record, expiresAt: Date.now() };
        this.env.store.save(this.record);
      } else if (err instanceof DhcpTimeoutError) {
        log.warn({ state: kind }, err.message);
        // INIT used up -resendtimeout: pause before the next round. RENEWING/REBINDING ran to their
        // deadline, so the schedule moves on to the next state by itself.
        if (kind === 'init') retryIn = this.env.timing.resendMaxMs;
      } else {
        log.warn({ state: kind, err: String(err) }, 'lease maintenance step failed');
        retryIn = RETRY_DELAY_MS;
      }
    } finally {
      s?.close();
      this.abort = undefined;
    }
    this.schedule(retryIn);
  }

  /** Stop maintaining; with `sendRelease`, tell the server (when the lease is still valid). */
  async stop(sendRelease: boolean): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    clearTimeout(this.timer);
    this.abort?.abort(new Error('lease released'));
    await this.running?.catch(() => {});
    if (!sendRelease) return;
    const r = this.record;
    if (!this.expired()) {
      try {
        const s = await openIfaceSocket(r.netns, r.ifName, r.netnsId);
        try {
          await release(s, this.identity, r.lease.address, r.lease.serverId);
          this.log.info({ address: r.lease.address, server: r.lease.serverId }, 'lease released');
        } finally {
          s.close();
        }
      } catch (err) {
        // Best effort (DEL must succeed): gone attachments cannot send; the lease runs out.
        this.log.warn({ err: String(err) }, 'could not send DHCPRELEASE');
      }
    }
    this.env.store.remove(r.clientId);
    this.env.onForget(this);
  }

  /** Drop the lease without a RELEASE (the attachment is gone). */
  private forget(): void {
    this.state = 'stopped';
    clearTimeout(this.timer);
    this.env.store.remove(this.record.clientId);
    this.env.onForget(this);
  }

  /** Daemon shutdown: stop timers, keep the state file (the next daemon resumes it). */
  async halt(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    clearTimeout(this.timer);
    this.abort?.abort(new Error('daemon stopping'));
    await this.running?.catch(() => {});
  }

  /** The periodic sweep: forget the lease if its attachment is gone. True when forgotten. */
  sweep(): boolean {
    if (this.state === 'stopped' || this.running || attachmentExists(this.record.netns, this.record.ifName, this.record.netnsId)) return false;
    this.log.info({ netns: this.record.netns, ifName: this.record.ifName }, 'attachment is gone: forgetting its lease');
    this.forget();
    return true;
  }
}
