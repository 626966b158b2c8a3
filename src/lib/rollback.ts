/**
 * Rollback stack for ADD: register an undo step right after each thing is made; on failure the
 * steps run in reverse order (each best effort, errors logged, the original error kept); on
 * success commit() drops them. Replaces the reference's shadowing-prone `defer if err != nil`.
 */
import type { Logger } from '../log/logger.js';

type Undo = { what: string; run: () => unknown };

export class Rollback {
  private steps: Undo[] = [];
  private committed = false;

  constructor(private readonly log?: Logger) {}

  /** Register how to undo something just made. */
  defer(what: string, run: () => unknown): void {
    this.steps.push({ what, run });
  }

  commit(): void {
    this.committed = true;
    this.steps = [];
  }

  /** Undo everything registered, newest first. Safe to call more than once. */
  async unwind(): Promise<void> {
    if (this.committed) return;
    const steps = this.steps.reverse();
    this.steps = [];
    for (const s of steps) {
      try {
        await s.run();
      } catch (err) {
        this.log?.warn({ err, step: s.what }, 'rollback step failed');
      }
    }
  }

  /** Run fn; if it throws, unwind and rethrow; if it succeeds, commit. */
  static async run<T>(log: Logger | undefined, fn: (rb: Rollback) => Promise<T> | T): Promise<T> {
    const rb = new Rollback(log);
    try {
      const out = await fn(rb);
      rb.commit();
      return out;
    } catch (err) {
      await rb.unwind();
      throw err;
    }
  }
}
