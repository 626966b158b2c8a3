/**
 * flock(2) on a file, as go-filemutex locks it: host-local's `<dir>/lock` and sbr's lock on the
 * container netns file, the same files the reference plugins lock.
 */
import * as fs from 'node:fs';
import { flock, LOCK_EX, LOCK_UN, SyscallError } from '../netlink/ffi/libc.js';

export class FileLock {
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = fs.openSync(path, fs.constants.O_CREAT | fs.constants.O_RDONLY, 0o600);
  }

  private get handle(): number {
    if (this.fd === undefined) throw new Error(`lock ${this.path} is closed`);
    return this.fd;
  }

  /** Blocks until the exclusive lock is ours. */
  lock(): void {
    for (;;) {
      try {
        flock(this.handle, LOCK_EX);
        return;
      } catch (err) {
        if (!(err instanceof SyscallError && err.code === 'EINTR')) throw err;
      }
    }
  }

  unlock(): void {
    flock(this.handle, LOCK_UN);
  }

  /** Closing the descriptor also drops the lock (as does the process dying). */
  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
  }
}
