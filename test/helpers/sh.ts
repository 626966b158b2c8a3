/** Run inspection tools (ip, ping, bridge) in tests. Product code never spawns these. */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

export interface ShResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function sh(cmd: string, args: string[], opts: SpawnSyncOptions = {}): ShResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000, ...opts });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

/** Run and throw with the output on failure. */
export function shOk(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const r = sh(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** `ip -j ...` parsed. */
export function ipJson<T = any>(args: string[], netns?: string): T {
  const full = netns ? ['-n', netns, '-j', ...args] : ['-j', ...args];
  const out = shOk('ip', full).trim();
  return (out ? JSON.parse(out) : []) as T;
}
