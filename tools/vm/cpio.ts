/**
 * A minimal writer for the "newc" cpio format the kernel unpacks as an initramfs: directories,
 * regular files, symlinks and character devices, no hard links. Built in memory so making the
 * guest's initramfs needs no cpio or root (device nodes are just header fields).
 */
import { gzipSync } from 'node:zlib';

export type CpioEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Buffer; mode?: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'chardev'; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

const pad4 = (n: number) => (4 - (n % 4)) % 4;
const hex8 = (n: number) => n.toString(16).padStart(8, '0');

function record(ino: number, name: string, mode: number, data: Buffer, rdev: [number, number] = [0, 0]): Buffer {
  const nameBuf = Buffer.from(`${name}\0`);
  // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
  const fields = [ino, mode, 0, 0, mode & S_IFDIR ? 2 : 1, 0, data.length, 0, 0, rdev[0], rdev[1], nameBuf.length, 0];
  const header = Buffer.from(`070701${fields.map(hex8).join('')}`);
  const headPad = Buffer.alloc(pad4(header.length + nameBuf.length));
  return Buffer.concat([header, nameBuf, headPad, data, Buffer.alloc(pad4(data.length))]);
}

function encode(entry: CpioEntry, ino: number): Buffer {
  const name = entry.path.replace(/^\/+/, '');
  switch (entry.kind) {
    case 'dir':
      return record(ino, name, S_IFDIR | (entry.mode ?? 0o755), Buffer.alloc(0));
    case 'file':
      return record(ino, name, S_IFREG | (entry.mode ?? 0o644), entry.data);
    case 'symlink':
      return record(ino, name, S_IFLNK | 0o777, Buffer.from(entry.target));
    case 'chardev':
      return record(ino, name, S_IFCHR | (entry.mode ?? 0o600), Buffer.alloc(0), [entry.major, entry.minor]);
  }
}

/** The archive, gzip-compressed, entries in the order given (parents before children). */
export function cpioGzip(entries: readonly CpioEntry[]): Buffer {
  const parts = entries.map((e, i) => encode(e, i + 1));
  parts.push(record(0, 'TRAILER!!!', 0, Buffer.alloc(0)));
  return gzipSync(Buffer.concat(parts), { level: 6 });
}
