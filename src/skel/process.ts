/**
 * runPlugin wired to the real process. stdin is read synchronously (a plugin has nothing else to do
 * meanwhile) and stdout/stderr are written with writeSync, so the result is complete on the pipe
 * before the process exits, however the exit happens.
 */
import * as fs from 'node:fs';
import { runPlugin, type PluginIO } from './run.js';
import type { PluginEntry, PluginLookup } from './types.js';

export function runPluginFromProcess(entry: PluginEntry, plugins: PluginLookup): Promise<number> {
  const io: PluginIO = {
    env: process.env,
    readStdin: () => readAllSync(0),
    stdout: (s) => writeAllSync(1, s),
    stderr: (s) => writeAllSync(2, s),
  };
  return runPlugin(entry, io, plugins);
}

const CHUNK = 64 * 1024;

/**
 * Read a file descriptor to EOF. A runtime may hand us a non-blocking pipe, where a read with no data
 * yet fails with EAGAIN: wait a little and read again. A closed or absent stdin reads as empty.
 */
export function readAllSync(fd: number): Buffer {
  const chunks: Buffer[] = [];
  let waitMs = 1;
  for (;;) {
    const buf = Buffer.allocUnsafe(CHUNK);
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, CHUNK, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
        sleepSync(waitMs);
        waitMs = Math.min(waitMs * 2, 20);
        continue;
      }
      if (code === 'EOF' || code === 'EBADF') break;
      throw err;
    }
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    waitMs = 1;
  }
  return Buffer.concat(chunks);
}

/** Write all of `s`, retrying partial writes and EAGAIN on non-blocking pipes. */
export function writeAllSync(fd: number, s: string): void {
  const data = Buffer.from(s, 'utf8');
  let off = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(fd, data, off, data.length - off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      sleepSync(1);
    }
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
