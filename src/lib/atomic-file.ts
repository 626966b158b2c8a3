/**
 * Replace a file atomically: the data goes to a hidden temporary file in the same directory
 * (O_EXCL, so concurrent writers never share one), then rename() puts it in place. A crash leaves
 * the old file or the new one, never a torn one that would block a later DEL; listings that skip
 * dot-files never see the temporary.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomHex } from './random.js';

export interface AtomicWriteOptions {
  /** File mode of the new file (default 0600: plugin state is root's). */
  mode?: number;
  /** fsync the data before the rename (state that must survive a power cut, not just a crash). */
  fsync?: boolean;
}

export function writeFileAtomic(file: string, data: string | Buffer, opts: AtomicWriteOptions = {}): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomHex(4)}.tmp`);
  const fd = fs.openSync(tmp, 'wx', opts.mode ?? 0o600);
  try {
    try {
      fs.writeFileSync(fd, data);
      if (opts.fsync) fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
