/**
 * Optimistic read-modify-write against a ruleset other processes change at the same time (every
 * ADD of a pod start, for instance): on a conflict, wait a little, with jitter so that the losers
 * do not collide again in lockstep, and try again with a fresh read.
 */
const ATTEMPTS = 20;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Run `attempt` until it returns, or it throws something that is not a conflict, or attempts run out. */
export function retryOnConflict<T>(isConflict: (err: unknown) => boolean, attempt: () => T): T {
  for (let n = 1; ; n++) {
    try {
      return attempt();
    } catch (err) {
      if (n >= ATTEMPTS || !isConflict(err)) throw err;
      sleepSync(Math.random() * Math.min(5 * n, 50));
    }
  }
}
