/**
 * Random bytes from the kernel without loading node:crypto (~3 ms of every plugin start).
 * Used for names (veth, temp files), not for secrets.
 */
import * as fs from 'node:fs';

export function randomHex(bytes: number): string {
  const buf = Buffer.alloc(bytes);
  const fd = fs.openSync('/dev/urandom', 'r');
  try {
    fs.readSync(fd, buf, 0, bytes, null);
  } finally {
    fs.closeSync(fd);
  }
  return buf.toString('hex');
}
