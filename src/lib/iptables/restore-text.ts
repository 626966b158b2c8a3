/** Pure text building for iptables-restore input (no process, unit-tested). */
import type { IptTable, RestoreBatch } from './types.js';

/** The built-in chains of each table: a ":NAME" line for them would reset their policy, so they are never declared. */
export const BUILTIN_CHAINS: Record<IptTable, ReadonlySet<string>> = {
  filter: new Set(['INPUT', 'FORWARD', 'OUTPUT']),
  nat: new Set(['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']),
  mangle: new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']),
  raw: new Set(['PREROUTING', 'OUTPUT']),
};

/**
 * `*TABLE`, one `:CHAIN - [0:0]` per flushChains entry (with --noflush: created if missing,
 * emptied if present), one `-N CHAIN` per entry of `create` (chains found missing: fails if it
 * appeared meanwhile, never flushes), the lines, `COMMIT`. Built-in chains are never declared.
 */
export function buildRestoreText(batch: RestoreBatch, create: readonly string[] = []): string {
  const builtins = BUILTIN_CHAINS[batch.table];
  const out = [`*${batch.table}`];
  const declared = new Set<string>();
  for (const chain of batch.flushChains ?? []) {
    if (builtins.has(chain) || declared.has(chain)) continue;
    declared.add(chain);
    out.push(`:${chain} - [0:0]`);
  }
  for (const chain of create) {
    if (builtins.has(chain) || declared.has(chain)) continue;
    declared.add(chain);
    out.push(`-N ${chain}`);
  }
  for (const chain of declared) {
    if (!/^[^\s"']{1,28}$/.test(chain)) throw new TypeError(`invalid iptables chain name ${JSON.stringify(chain)}`);
  }
  for (const line of batch.lines) {
    if (/[\r\n]/.test(line)) throw new TypeError(`iptables-restore line contains a newline: ${JSON.stringify(line)}`);
  }
  out.push(...batch.lines);
  out.push('COMMIT', '');
  return out.join('\n');
}

/**
 * Quote a comment for `-m comment --comment <here>` inside restore text. iptables-restore splits
 * on blanks outside double quotes and takes a backslash before `"` as a literal quote; the
 * comment match keeps at most 255 bytes, so longer text is cut as the reference plugins do (256 - 1).
 */
export function quoteComment(text: string): string {
  let s = text.replace(/[\r\n]/g, ' ');
  const max = 255;
  if (Buffer.byteLength(s) > max) {
    const buf = Buffer.from(s);
    s = buf.subarray(0, max).toString('utf8').replace(/\uFFFD$/, '');
  }
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The chains of `wanted` that are neither built-in nor in `existing`. */
export function missingChains(table: IptTable, wanted: readonly string[], existing: ReadonlyMap<string, unknown>): string[] {
  const builtins = BUILTIN_CHAINS[table];
  return [...new Set(wanted)].filter((c) => !builtins.has(c) && !existing.has(c));
}

/**
 * Turn an "-A CHAIN rest" line from iptables-save into the "-D CHAIN rest" line that deletes
 * exactly that rule (iptables-save output is valid restore input).
 */
export function deleteLineFor(appendLine: string): string {
  if (!appendLine.startsWith('-A ')) throw new TypeError(`not an iptables-save rule line: ${appendLine}`);
  return `-D ${appendLine.slice(3)}`;
}
