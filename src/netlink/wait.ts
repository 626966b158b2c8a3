/** Synchronous polling for a link's operational state (no timers: the event loop is not involved). */
import type { Netlink } from './netlink.js';
import { IFF } from './route/consts.js';
import type { Link } from './route/types.js';

const POLL_MS = 10;

export class OperUpTimeoutError extends Error {
  override name = 'OperUpTimeoutError';
  constructor(
    readonly index: number,
    readonly timeoutMs: number,
    readonly last: Link,
  ) {
    super(`link ${last.name} (index ${index}) not operationally up after ${timeoutMs} ms (operstate ${last.operState})`);
  }
}

/** Up for traffic: operstate up, or unknown on a running device (drivers without operstate). */
export function isOperUp(link: Link): boolean {
  return link.operState === 'up' || (link.operState === 'unknown' && (link.flags & IFF.RUNNING) !== 0);
}

let sleeper: Int32Array | undefined;
function sleepSync(ms: number): void {
  sleeper ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Poll until the link is operationally up; throws OperUpTimeoutError (or LinkNotFoundError). */
export function waitForOperUp(nl: Netlink, index: number, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const link = nl.linkByIndex(index);
    if (isOperUp(link)) return;
    const left = deadline - Date.now();
    if (left <= 0) throw new OperUpTimeoutError(index, timeoutMs, link);
    sleepSync(Math.min(POLL_MS, left));
  }
}
