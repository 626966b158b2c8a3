/**
 * Persistent tap devices through /dev/net/tun, as `ip tuntap add mode tap` makes them: TUNSETIFF
 * creates the device in the namespace of the thread that opened /dev/net/tun (so call this inside
 * the target namespace), TUNSETOWNER / TUNSETGROUP hand it to a user / group, TUNSETPERSIST keeps
 * it after the fd is closed. rtnetlink cannot create tun/tap devices.
 */
import * as fs from 'node:fs';
import { ioctlBuffer, ioctlInt, SyscallError } from '../ffi/libc.js';
import { assertLinkName } from '../route/link.js';

const TUN_DEVICE = '/dev/net/tun';

/** _IOW('T', n, int) */
const TUNSETIFF = 0x400454ca;
const TUNSETPERSIST = 0x400454cb;
const TUNSETOWNER = 0x400454cc;
const TUNSETGROUP = 0x400454ce;

const IFF_TAP = 0x0002;
const IFF_MULTI_QUEUE = 0x0100;
const IFF_NO_PI = 0x1000;
const IFF_VNET_HDR = 0x4000;

/** struct ifreq: 16 bytes of name, then the union (ifr_flags is its first short). */
const IFREQ_SIZE = 40;
const IFNAMSIZ = 16;

export interface TapSpec {
  name: string;
  multiQueue?: boolean;
  /** uid that may open the device without CAP_NET_ADMIN. */
  owner?: number;
  /** gid that may open the device without CAP_NET_ADMIN. */
  group?: number;
}

export class TapError extends Error {
  override readonly name = 'TapError';
}

/** Flags of the reference's netlink path: a tap with a virtio-net header and no packet info. */
export function tapFlags(multiQueue: boolean): number {
  return IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | (multiQueue ? IFF_MULTI_QUEUE : 0);
}

export function ifreq(name: string, flags: number): Buffer {
  assertLinkName(name);
  const buf = Buffer.alloc(IFREQ_SIZE);
  buf.write(name, 0, IFNAMSIZ - 1, 'utf8');
  buf.writeUInt16LE(flags, IFNAMSIZ);
  return buf;
}

/** Create a persistent tap device in the calling thread's network namespace. */
export function createPersistentTap(spec: TapSpec): void {
  let fd: number;
  try {
    fd = fs.openSync(TUN_DEVICE, 'r+'); // libuv opens with O_CLOEXEC
  } catch (err) {
    throw new TapError(`cannot open ${TUN_DEVICE}: ${(err as Error).message}`, { cause: err });
  }
  // Until TUNSETPERSIST succeeds, closing the fd (also on an error) removes the device again.
  try {
    step('TUNSETIFF', () => ioctlBuffer(fd, TUNSETIFF, ifreq(spec.name, tapFlags(spec.multiQueue ?? false))));
    if (spec.owner !== undefined) step('TUNSETOWNER', () => ioctlInt(fd, TUNSETOWNER, spec.owner));
    if (spec.group !== undefined) step('TUNSETGROUP', () => ioctlInt(fd, TUNSETGROUP, spec.group));
    step('TUNSETPERSIST', () => ioctlInt(fd, TUNSETPERSIST, 1));
  } finally {
    fs.closeSync(fd);
  }
}

function step(what: string, fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    const why = err instanceof SyscallError ? err.code : (err as Error).message;
    throw new TapError(`failed to create tap: ${what}: ${why}`, { cause: err });
  }
}
