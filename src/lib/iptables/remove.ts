import { IptablesError } from './errors.js';
import { iptablesRestore, iptablesSave } from './run.js';
import { deleteLineFor } from './restore-text.js';
import type { IptFamily, IptTable } from './types.js';

/**
 * Delete rules and chains idempotently: the restore batch is built from what iptables-save shows
 * now, so rules or chains that are already gone are skipped rather than failing the whole batch.
 * Every rule matching the predicate is deleted; each chain in deleteChains that exists is flushed
 * and deleted, after every rule that jumps to it (in any chain of the table) has been removed.
 * Runs nothing when there is nothing to delete. If the batch fails (something else removed a rule
 * between the save and the restore), it is planned and run once more from a fresh save.
 */
export function removeRulesMatching(
  family: IptFamily,
  table: IptTable,
  predicate: (chain: string, rule: string) => boolean,
  opts?: { deleteChains?: string[] },
): void {
  const attempt = (): void => {
    const lines = planRemoval(iptablesSave(family, table).chains, predicate, opts?.deleteChains ?? []);
    if (lines.length > 0) iptablesRestore(family, { table, lines });
  };
  try {
    attempt();
  } catch (err) {
    if (!(err instanceof IptablesError)) throw err;
    attempt();
  }
}

/** The restore lines for removeRulesMatching (pure, unit-tested). */
export function planRemoval(
  chains: Map<string, string[]>,
  predicate: (chain: string, rule: string) => boolean,
  deleteChains: string[],
): string[] {
  const doomed = new Set(deleteChains.filter((c) => chains.has(c)));
  const lines: string[] = [];
  for (const [chain, rules] of chains) {
    // Rules of a chain that is about to be flushed need no one-by-one delete.
    if (doomed.has(chain)) continue;
    for (const rule of rules) {
      if (predicate(chain, rule) || jumpsToAny(rule, doomed)) lines.push(deleteLineFor(rule));
    }
  }
  for (const chain of doomed) lines.push(`-F ${chain}`);
  for (const chain of doomed) lines.push(`-X ${chain}`);
  return lines;
}

function jumpsToAny(rule: string, targets: Set<string>): boolean {
  if (targets.size === 0) return false;
  const m = / -[jg] (\S+)/.exec(rule);
  return m !== null && targets.has(m[1]!);
}
