/**
 * The disk Store: `<dataDir>/<network>/` in the reference's format (./reservation-file.ts), with
 * crash-safe writes the reference lacks. A reservation is written in full to a temp file in the
 * same directory, synced, then hard-linked to its address name: link(2) is atomic and fails with
 * EEXIST when the address is taken, so a reservation file never exists empty or half-written,
 * even if the process is killed. A leftover temp file holds no address; readers ignore it and GC
 * removes it.
 */
import * as nodeFs from 'node:fs';
import * as path from 'node:path';
import { randomHex } from '../../../../lib/random.js';
import { IpAddress } from '../../../../lib/ip/index.js';
import { FileLock } from '../../../../lib/file-lock.js';
import {
  decodeReservation,
  encodeReservation,
  isTempFile,
  lastIpFileName,
  LOCK_FILE,
  reservationAddress,
  TEMP_PREFIX,
} from './reservation-file.js';
import { StoreError, type AttachmentKey, type Reservation, type Store } from './store.js';

/** The file system calls the store makes; tests inject slow or failing variants. */
export type DiskFs = Pick<
  typeof nodeFs,
  'openSync' | 'writeSync' | 'closeSync' | 'linkSync' | 'unlinkSync' | 'renameSync' | 'readFileSync' | 'readdirSync' | 'mkdirSync' | 'existsSync'
>;

export interface DiskStoreOptions {
  fs?: DiskFs;
}

const FILE_MODE = 0o600;
const DIR_MODE = 0o755;

const errCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

export class DiskStore implements Store {
  private readonly fs: DiskFs;
  private readonly fileLock: FileLock;

  /** Creates the directory (0755) and the lock file if needed, as the reference's disk.New. */
  constructor(
    readonly dir: string,
    opts: DiskStoreOptions = {},
  ) {
    this.fs = opts.fs ?? nodeFs;
    try {
      this.fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
      this.fileLock = new FileLock(path.join(dir, LOCK_FILE));
    } catch (err) {
      throw new StoreError(`cannot open store ${dir}`, { cause: err });
    }
  }

  lock(): void {
    try {
      this.fileLock.lock();
    } catch (err) {
      throw new StoreError(`cannot lock ${this.fileLock.path}`, { cause: err });
    }
  }

  unlock(): void {
    try {
      this.fileLock.unlock();
    } catch (err) {
      throw new StoreError(`cannot unlock ${this.fileLock.path}`, { cause: err });
    }
  }

  close(): void {
    this.fileLock.close();
  }

  private tempPath(name: string): string {
    return path.join(this.dir, `${TEMP_PREFIX}${name}.${process.pid}.${randomHex(4)}`);
  }

  /**
   * Write `content` to a fresh temp file and return its path. Not fsync'ed (neither is the
   * reference's): a killed process cannot tear a file that is linked into place only once
   * complete; after a power loss an empty reservation can at worst hold its address until GC,
   * which removes empty files. fsync cost ~1 ms of every ADD.
   */
  private writeTemp(name: string, content: string): string {
    const tmp = this.tempPath(name);
    const fd = this.fs.openSync(tmp, 'wx', FILE_MODE);
    try {
      try {
        this.fs.writeSync(fd, content);
      } finally {
        this.fs.closeSync(fd);
      }
    } catch (err) {
      this.removeQuietly(tmp);
      throw err;
    }
    return tmp;
  }

  private removeQuietly(file: string): void {
    try {
      this.fs.unlinkSync(file);
    } catch {
      // a leftover temp file is harmless: GC removes it
    }
  }

  reserve(key: AttachmentKey, ip: IpAddress, rangeId: string): boolean {
    const name = ip.toString();
    const file = path.join(this.dir, name);
    // Cheap pre-check: we hold the lock, so nothing appears between this and the link.
    if (this.fs.existsSync(file)) return false;
    let tmp: string;
    try {
      tmp = this.writeTemp(name, encodeReservation(key));
    } catch (err) {
      throw new StoreError(`cannot reserve ${name} in ${this.dir}`, { cause: err });
    }
    try {
      this.fs.linkSync(tmp, file);
    } catch (err) {
      if (errCode(err) === 'EEXIST') return false;
      throw new StoreError(`cannot reserve ${name} in ${this.dir}`, { cause: err });
    } finally {
      this.removeQuietly(tmp);
    }
    this.writeLastReserved(rangeId, ip);
    return true;
  }

  /** Replaced atomically (temp + rename): a reader sees the old or the new address, never a torn one. */
  private writeLastReserved(rangeId: string, ip: IpAddress): void {
    const name = lastIpFileName(rangeId);
    let tmp: string | undefined;
    try {
      tmp = this.writeTemp(name, ip.toString());
      this.fs.renameSync(tmp, path.join(this.dir, name));
      tmp = undefined;
    } catch (err) {
      throw new StoreError(`cannot record ${name} in ${this.dir}`, { cause: err });
    } finally {
      if (tmp) this.removeQuietly(tmp);
    }
  }

  lastReservedIp(rangeId: string): IpAddress | undefined {
    try {
      const text = this.fs.readFileSync(path.join(this.dir, lastIpFileName(rangeId)), 'utf8');
      return IpAddress.tryParse(text.trim());
    } catch {
      // Missing or unreadable: round robin restarts at the first address, as in the reference.
      return undefined;
    }
  }

  list(): Reservation[] {
    const out: Reservation[] = [];
    for (const entry of this.readDir()) {
      if (entry.isDirectory()) continue;
      const ip = reservationAddress(entry.name);
      if (!ip) continue;
      try {
        out.push({ ip, owner: decodeReservation(this.fs.readFileSync(path.join(this.dir, entry.name), 'utf8')) });
      } catch (err) {
        if (errCode(err) === 'ENOENT') continue;
        out.push({ ip, readError: new StoreError(`cannot read reservation ${entry.name}`, { cause: err }) });
      }
    }
    return out;
  }

  private readDir(): nodeFs.Dirent[] {
    try {
      return this.fs.readdirSync(this.dir, { withFileTypes: true });
    } catch (err) {
      throw new StoreError(`cannot list ${this.dir}`, { cause: err });
    }
  }

  release(ip: IpAddress): void {
    try {
      this.fs.unlinkSync(path.join(this.dir, ip.toString()));
    } catch (err) {
      if (errCode(err) !== 'ENOENT') throw new StoreError(`cannot release ${ip} in ${this.dir}`, { cause: err });
    }
  }

  removeLeftovers(): Error[] {
    const errors: Error[] = [];
    for (const entry of this.readDir()) {
      if (!isTempFile(entry.name) || entry.isDirectory()) continue;
      try {
        this.fs.unlinkSync(path.join(this.dir, entry.name));
      } catch (err) {
        if (errCode(err) !== 'ENOENT') errors.push(new StoreError(`cannot remove leftover ${entry.name}`, { cause: err }));
      }
    }
    return errors;
  }
}
