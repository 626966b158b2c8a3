/**
 * Run a synchronous function inside another network namespace. setns() moves only the calling
 * thread; libuv's pool threads (fs.promises, async koffi calls, dns) stay where they are. So the
 * callback must not await: a Promise result is rejected with TypeError (after switching back).
 */
import { CLONE_NEWNET, setns } from '../../netlink/ffi/libc.js';
import { Netns, openCurrentNetns, openNetns } from './netns.js';

export class NetnsRestoreError extends Error {
  override name = 'NetnsRestoreError';
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

/** Enter `ns` (path, fd or Netns), run fn, and always return to the original netns. */
export function withNetns<T>(ns: string | number | Netns, fn: () => T): T {
  const opened = typeof ns === 'string' ? openNetns(ns) : undefined;
  const targetFd = opened ? opened.fd : typeof ns === 'number' ? ns : (ns as Netns).fd;
  try {
    const origin = openCurrentNetns();
    try {
      setns(targetFd, CLONE_NEWNET);
      try {
        const result = fn();
        if (isPromiseLike(result)) {
          Promise.resolve(result).catch(() => {}); // its rejection belongs to nobody now
          throw new TypeError('withNetns: the callback returned a Promise; only synchronous code may run inside a namespace');
        }
        return result;
      } finally {
        try {
          setns(origin.fd, CLONE_NEWNET);
        } catch (err) {
          // Staying in the wrong netns is worse than losing fn's error: this one wins.
          throw new NetnsRestoreError(`could not return to the original network namespace (${origin.path})`, { cause: err });
        }
      }
    } finally {
      origin.close();
    }
  } finally {
    opened?.close();
  }
}
