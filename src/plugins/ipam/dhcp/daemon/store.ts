/**
 * Leases on disk, so a restarted daemon picks them up and keeps renewing: one JSON file per
 * attachment under the state directory, named by a hash of the client id, written atomically
 * (temporary file, fsync, rename, fsync of the directory). The directory is locked (flock) by the
 * daemon that owns it, so two daemons never renew the same leases.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../../../lib/atomic-file.js';
import { flock, LOCK_EX, LOCK_NB, SyscallError } from '../../../../netlink/ffi/libc.js';
import type { LeaseInfo } from '../dhcp4/lease-info.js';

export const DEFAULT_STATE_DIR = '/var/lib/cni/dhcp';

export interface LeaseRecord {
  version: 1;
  clientId: string;
  containerId: string;
  netName: string;
  ifName: string;
  /** The namespace path as the daemon opens it (host prefix applied). */
  netns: string;
  /** nsfs device:inode of that namespace when the lease was taken: a path naming another one later is "gone". */
  netnsId?: string;
  requested: number[];
  /** [option code, value as base64]. */
  provided: [number, string][];
  priority?: number;
  lease: LeaseInfo;
  /** Epoch milliseconds. */
  boundAt: number;
  renewAt: number;
  rebindAt: number;
  expiresAt: number;
}

export class StateDirBusyError extends Error {
  override name = 'StateDirBusyError';
}

export class LeaseStore {
  private lockFd: number | undefined;

  constructor(readonly dir: string) {}

  /** Create the directory (0700) and take its lock; fails if another daemon holds it. */
  open(): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const fd = fs.openSync(path.join(this.dir, '.lock'), fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    try {
      flock(fd, LOCK_EX | LOCK_NB);
    } catch (err) {
      fs.closeSync(fd);
      if (err instanceof SyscallError && err.code === 'EWOULDBLOCK') throw new StateDirBusyError(`state directory ${this.dir} is in use by another dhcp daemon`);
      throw err;
    }
    this.lockFd = fd;
  }

  close(): void {
    if (this.lockFd !== undefined) fs.closeSync(this.lockFd);
    this.lockFd = undefined;
  }

  fileOf(clientId: string): string {
    return path.join(this.dir, `${createHash('sha256').update(clientId).digest('hex').slice(0, 40)}.json`);
  }

  save(r: LeaseRecord): void {
    const file = this.fileOf(r.clientId);
    writeFileAtomic(file, `${JSON.stringify(r, null, 1)}\n`, { fsync: true });
    this.syncDir();
  }

  remove(clientId: string): void {
    fs.rmSync(this.fileOf(clientId), { force: true });
    this.syncDir();
  }

  /** Every record; unreadable files are reported and left alone. Stray temp files are removed. */
  loadAll(onBad: (file: string, err: unknown) => void): LeaseRecord[] {
    const out: LeaseRecord[] = [];
    for (const name of fs.readdirSync(this.dir)) {
      const file = path.join(this.dir, name);
      if (name.startsWith('.') && name.endsWith('.tmp')) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      try {
        const r = JSON.parse(fs.readFileSync(file, 'utf8')) as LeaseRecord;
        if (r.version !== 1 || typeof r.clientId !== 'string' || !r.lease || typeof r.expiresAt !== 'number') throw new Error('not a lease record');
        out.push(r);
      } catch (err) {
        onBad(file, err);
      }
    }
    return out;
  }

  private syncDir(): void {
    const fd = fs.openSync(this.dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}
