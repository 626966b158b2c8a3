/**
 * Asking the kernel again until a state is reached, bounded by a deadline: the first look is at
 * once, then after short pauses that double up to a ceiling (1, 2, 4, ... ms), so a state that
 * arrives in a millisecond is seen in about a millisecond, and a slow one costs a handful of
 * netlink round trips, not a fixed sleep.
 */
export interface PollOptions {
  /** Give up after this long (ms). */
  timeoutMs: number;
  /** First pause (ms), doubled after each miss. Default 1. */
  firstPauseMs?: number;
  /** Longest pause (ms). Default 20. */
  maxPauseMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `look` until it returns something other than undefined, and resolves with that; resolves
 * with undefined once the deadline has passed (after one last look).
 */
export async function pollUntil<T>(look: () => T | undefined, opts: PollOptions): Promise<T | undefined> {
  const deadline = Date.now() + opts.timeoutMs;
  let pause = opts.firstPauseMs ?? 1;
  const maxPause = opts.maxPauseMs ?? 20;
  for (;;) {
    const got = look();
    if (got !== undefined) return got;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await sleep(Math.min(pause, left));
    pause = Math.min(pause * 2, maxPause);
  }
}
