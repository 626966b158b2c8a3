/** Timing helpers for `npm run bench`: wall time of whole process runs, medians over interleaved samples. */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

export interface Sample {
  file: string;
  args?: string[];
  opts?: SpawnSyncOptions;
  /** Run before each timed run, untimed (e.g. DEL before the next ADD). */
  reset?: () => void;
  /** Checked once: the command must succeed. */
  expectOk?: boolean;
}

function runOnce(s: Sample): number {
  s.reset?.();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(s.file, s.args ?? [], { stdio: ['pipe', 'pipe', 'pipe'], ...s.opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (s.expectOk !== false && r.status !== 0) {
    throw new Error(`${s.file} ${(s.args ?? []).join(' ')} exited ${r.status}: ${String(r.stdout)}${String(r.stderr)}`);
  }
  return ms;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Interleave the samples run by run so machine noise hits all of them alike. */
export function measure(samples: Record<string, Sample>, runs: number, warmup = 5): Record<string, number> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(samples).map((k) => [k, []]));
  for (let i = 0; i < warmup + runs; i++) {
    for (const [name, s] of Object.entries(samples)) {
      const ms = runOnce(s);
      if (i >= warmup) times[name]!.push(ms);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

export function table(rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toFixed(2) : c)));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`).join('\n');
}
