/**
 * The daemon's verbs: ADD acquires (or returns the lease the attachment already has), DEL releases,
 * CHECK verifies a valid lease exists and matches prevResult, GC releases this network's leases
 * whose attachments are not in the list, STATUS answers that the daemon is up. Requests for one
 * attachment are serialised; different attachments run concurrently.
 */
import type { Logger } from '../../../../log/logger.js';
import { decodeConfig } from '../../../../skel/run.js';
import { asCniError, CniError, ErrorCode } from '../../../../spec/errors.js';
import type { Result } from '../../../../spec/types.js';
import { parseResult } from '../../../../spec/convert.js';
import { IpNet } from '../../../../lib/ip/index.js';
import { parseDhcpIpam } from '../config.js';
import { clientId, type DaemonReply, type DaemonRequest } from '../protocol.js';
import { isGone, LeaseKeeper, type KeeperEnv } from './keeper.js';
import { planOptions } from './options-plan.js';
import type { LeaseRecord } from './store.js';

export interface ServiceOptions {
  env: Omit<KeeperEnv, 'onForget'>;
  /** Prepended to every netns path (the daemon runs in a container with the host's / there). */
  hostPrefix: string;
  log: Logger;
}

export class DhcpService {
  private readonly keepers = new Map<string, LeaseKeeper>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly env: KeeperEnv;

  constructor(private readonly o: ServiceOptions) {
    this.env = { ...o.env, onForget: (k) => this.keepers.get(k.clientId) === k && this.keepers.delete(k.clientId) };
  }

  get size(): number {
    return this.keepers.size;
  }

  /** Start-up: resume every persisted lease (forgetting those whose attachment is gone). */
  resumeAll(records: LeaseRecord[]): void {
    for (const r of records) {
      const k = LeaseKeeper.resume(this.env, r);
      this.keepers.set(r.clientId, k);
    }
    this.sweep();
  }

  /** Forget leases whose namespace or interface no longer exists. */
  sweep(): void {
    for (const k of [...this.keepers.values()]) {
      try {
        k.sweep();
      } catch (err) {
        this.o.log.warn({ clientId: k.clientId, err: String(err) }, 'sweep: cannot check attachment');
      }
    }
  }

  /** Daemon shutdown: timers stop, leases stay on disk for the next daemon. */
  async halt(): Promise<void> {
    await Promise.all([...this.keepers.values()].map((k) => k.halt()));
  }

  async handle(req: DaemonRequest): Promise<DaemonReply> {
    try {
      const result = await this.dispatch(req);
      return result ? { ok: true, result } : { ok: true };
    } catch (err) {
      const e = asCniError(err);
      this.o.log.warn({ verb: req.verb, containerId: req.containerId, code: e.code, err: e.message }, 'request failed');
      return { ok: false, error: e.toJSON() };
    }
  }

  private async dispatch(req: DaemonRequest): Promise<Result | undefined> {
    if (req.verb === 'STATUS') return undefined;
    const conf = decodeConfig(Buffer.from(req.config ?? '', 'utf8'));
    if (req.verb === 'GC') {
      await this.gc(conf.name, req.validAttachments ?? []);
      return undefined;
    }
    const id = clientId(req.containerId, conf.name, req.ifName);
    return this.serialised(id, async () => {
      switch (req.verb) {
        case 'ADD':
          return this.add(id, req, conf);
        case 'DEL':
          await this.keepers.get(id)?.stop(true);
          return undefined;
        case 'CHECK':
          this.check(id, conf.cniVersion, conf.prevResult);
          return undefined;
        default:
          throw new CniError(ErrorCode.InvalidEnvironmentVariables, `unknown verb ${JSON.stringify(req.verb)}`);
      }
    });
  }

  private async add(id: string, req: DaemonRequest, conf: ReturnType<typeof decodeConfig>): Promise<Result> {
    const ipam = parseDhcpIpam(conf);
    const plan = planOptions(ipam, req.args);
    const netns = this.o.hostPrefix + req.netns;
    const existing = this.keepers.get(id);
    // The reference keeps an attachment's lease across repeated ADDs; a new namespace is a new one.
    if (existing && existing.record.netns === netns && !existing.expired()) return existing.result();
    await existing?.stop(true);
    let k: LeaseKeeper;
    try {
      k = await LeaseKeeper.acquire(this.env, {
        clientId: id,
        containerId: req.containerId,
        netName: conf.name,
        ifName: req.ifName,
        netns,
        requested: plan.requested,
        provided: plan.provided.map(([c, v]) => [c, v.toString('base64')]),
        ...(ipam.priority !== undefined ? { priority: ipam.priority } : {}),
      });
    } catch (err) {
      if (isGone(err)) throw new CniError(ErrorCode.InvalidNetNS, `error looking up ${JSON.stringify(req.ifName)} in ${req.netns}: ${(err as Error).message}`, undefined, { cause: err });
      throw new CniError(ErrorCode.Internal, `error acquiring a DHCP lease for ${id}: ${(err as Error).message}`, undefined, { cause: err });
    }
    this.keepers.set(id, k);
    return k.result();
  }

  private check(id: string, cniVersion: string, prevRaw: unknown): void {
    const k = this.keepers.get(id);
    if (!k) throw new CniError(ErrorCode.Internal, `no DHCP lease for ${id}`);
    if (k.expired()) throw new CniError(ErrorCode.Internal, `the DHCP lease of ${id} (${k.record.lease.address}) has expired`);
    if (prevRaw === undefined || prevRaw === null) return;
    const prev = parseResult(prevRaw, cniVersion, { label: 'prevResult' });
    const want = k.record.lease.address;
    if (!(prev.ips ?? []).some((ip) => IpNet.tryParse(ip.address)?.ip.toString() === want)) {
      throw new CniError(ErrorCode.Internal, `DHCP lease address ${want} not found in prevResult for interface ${k.record.ifName}`);
    }
  }

  private async gc(netName: string, keep: { containerID: string; ifname: string }[]): Promise<void> {
    const valid = new Set(keep.map((a) => clientId(a.containerID, netName, a.ifname)));
    const stale = [...this.keepers.values()].filter((k) => k.record.netName === netName && !valid.has(k.clientId));
    await Promise.all(stale.map((k) => this.serialised(k.clientId, () => k.stop(true))));
  }

  private serialised<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const run = prev.catch(() => {}).then(fn);
    this.locks.set(id, run);
    void run.finally(() => {
      if (this.locks.get(id) === run) this.locks.delete(id);
    }).catch(() => {});
    return run;
  }
}
