/**
 * Network namespace handles: an fd on a netns file (/run/netns/NAME, /proc/PID/ns/net, ...),
 * checked to really be a network namespace before anyone setns()es into it.
 */
import * as fs from 'node:fs';
import { CLONE_NEWNET, ioctlInt, NS_GET_NSTYPE, SyscallError } from '../../netlink/ffi/libc.js';

export class NetnsNotFoundError extends Error {
  override name = 'NetnsNotFoundError';
  constructor(
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(`network namespace "${path}" does not exist`, options);
  }
}

export class NotANetnsError extends Error {
  override name = 'NotANetnsError';
  constructor(
    readonly path: string,
    why: string,
  ) {
    super(`"${path}" is not a network namespace: ${why}`);
  }
}

/** An open netns file. Closing is idempotent. */
export class Netns implements Disposable {
  private open = true;
  constructor(
    readonly fd: number,
    readonly path: string,
  ) {}
  close(): void {
    if (!this.open) return;
    this.open = false;
    fs.closeSync(this.fd);
  }
  [Symbol.dispose](): void {
    this.close();
  }
}

/** The calling thread's own netns file (/proc/self is the main thread's, used as fallback). */
export function currentThreadNetnsPath(): string {
  return fs.existsSync('/proc/thread-self/ns/net') ? '/proc/thread-self/ns/net' : '/proc/self/ns/net';
}

let nsfsDev: number | undefined;

/** Throws NotANetnsError unless fd is on nsfs and (where the kernel can tell) of type net. */
function assertNetns(fd: number, path: string): void {
  nsfsDev ??= fs.statSync('/proc/self/ns/net').dev;
  if (fs.fstatSync(fd).dev !== nsfsDev) throw new NotANetnsError(path, 'not a namespace file (nsfs)');
  try {
    const type = ioctlInt(fd, NS_GET_NSTYPE);
    if (type !== CLONE_NEWNET) throw new NotANetnsError(path, `namespace type 0x${type.toString(16)}`);
  } catch (err) {
    if (err instanceof SyscallError && err.code === 'ENOTTY') return; // kernel < 4.11: the nsfs check has to do
    throw err;
  }
}

/** Open a netns by path. ENOENT -> NetnsNotFoundError, not a netns -> NotANetnsError. */
export function openNetns(path: string): Netns {
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NetnsNotFoundError(path, { cause: err });
    throw err;
  }
  try {
    assertNetns(fd, path);
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  return new Netns(fd, path);
}

/** The calling thread's current netns (to return to, or to compare with). */
export function openCurrentNetns(): Netns {
  const path = currentThreadNetnsPath();
  return new Netns(fs.openSync(path, 'r'), path);
}
