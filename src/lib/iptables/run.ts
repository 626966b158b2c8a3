/**
 * The iptables processes themselves. Each call runs synchronously in the network namespace of the
 * calling thread: a child inherits the namespace of the thread that forks it, so calling these
 * inside withNetns(...) acts in that namespace.
 */
import { accessSync, constants } from 'node:fs';
import { childProcess } from '../builtin.js';
import { IptablesError } from './errors.js';
import { buildRestoreText, missingChains } from './restore-text.js';
import { parseIptablesSave } from './save-parse.js';
import type { IptFamily, IptTable, RestoreBatch, SavedTable } from './types.js';

/** Limits so a wedged xtables lock or binary cannot hang a plugin forever. */
const TIMEOUT_MS = 60_000;
const MAX_BUFFER = 64 * 1024 * 1024;

/** Where the sbin tools usually are, for runtimes that call plugins with a PATH without them. */
const SBIN_DIRS = ['/usr/sbin', '/sbin', '/usr/local/sbin'];
const resolved = new Map<string, string>();

export type IptablesFlavour = 'legacy' | 'nft';
let flavour: IptablesFlavour | undefined;

/**
 * Use `iptables-legacy-*` / `iptables-nft-*` rather than whatever `iptables-*` points to: when the
 * host's filtering lives in one flavour, rules must go there to take effect. Ignored when that
 * flavour's tools are not installed.
 */
export function useIptablesFlavour(f: IptablesFlavour | undefined): void {
  flavour = f;
}

/** The tool's path: the first on PATH, then the sbin directories; the bare name if none has it. */
function binary(family: IptFamily, tool: 'restore' | 'save'): string {
  const base = `${family === 6 ? 'ip6tables' : 'iptables'}-${tool}`;
  const flavoured = flavour ? `${family === 6 ? 'ip6tables' : 'iptables'}-${flavour}-${tool}` : undefined;
  if (flavoured) {
    const path = lookup(flavoured);
    if (path !== flavoured) return path;
  }
  return lookup(base);
}

function lookup(name: string): string {
  let found = resolved.get(name);
  if (found === undefined) {
    const dirs = [...(process.env.PATH ?? '').split(':').filter((d) => d.startsWith('/')), ...SBIN_DIRS];
    found = dirs.map((d) => `${d}/${name}`).find(isExecutable) ?? name;
    resolved.set(name, found);
  }
  return found;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

interface RunOutcome {
  status: number | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

function run(file: string, args: string[], input?: string): RunOutcome {
  const r = childProcess().spawnSync(file, args, {
    input: input ?? '',
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    maxBuffer: MAX_BUFFER,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ...(r.error ? { error: r.error } : {}) };
}

export interface RestoreOptions {
  /** What iptables-save showed just before (saves one process when batch.chains is set). */
  known?: SavedTable;
}

/**
 * One `iptables-restore --noflush --wait` process, the batch on stdin, applied atomically.
 * When batch.chains is set, the table's chains are looked up first (iptables-save, unless
 * opts.known) so only missing ones are created (`-N`, which never flushes); if the batch then
 * fails because another process created one of them meanwhile, it is retried once.
 */
export function iptablesRestore(family: IptFamily, batch: RestoreBatch, opts: RestoreOptions = {}): void {
  const wanted = batch.chains ?? [];
  if (wanted.length === 0) return restoreOnce(family, batch, []);
  const existing = (opts.known ?? iptablesSave(family, batch.table)).chains;
  const create = missingChains(batch.table, wanted, existing);
  try {
    restoreOnce(family, batch, create);
  } catch (err) {
    if (create.length === 0 || !(err instanceof IptablesError)) throw err;
    const now = iptablesSave(family, batch.table).chains;
    const retry = missingChains(batch.table, wanted, now);
    if (retry.length === create.length) throw err; // not a creation race
    restoreOnce(family, batch, retry);
  }
}

function restoreOnce(family: IptFamily, batch: RestoreBatch, create: string[]): void {
  const input = buildRestoreText(batch, create);
  const cmd = binary(family, 'restore');
  const r = run(cmd, ['--noflush', '--wait'], input);
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit status ${r.status}`;
    throw new IptablesError(
      `${cmd} (table ${batch.table}) failed: ${why}${r.stderr ? `: ${r.stderr.trim()}` : ''}`,
      { family, table: batch.table, stderr: r.stderr, input },
      r.error ? { cause: r.error } : undefined,
    );
  }
}

/** `iptables-save -t TABLE`, parsed. */
export function iptablesSave(family: IptFamily, table: IptTable): SavedTable {
  const cmd = binary(family, 'save');
  const r = run(cmd, ['-t', table]);
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit status ${r.status}`;
    throw new IptablesError(
      `${cmd} -t ${table} failed: ${why}${r.stderr ? `: ${r.stderr.trim()}` : ''}`,
      { family, table, stderr: r.stderr },
      r.error ? { cause: r.error } : undefined,
    );
  }
  return parseIptablesSave(r.stdout, table);
}

const availability = new Map<IptFamily, boolean>();

/**
 * Whether iptables(-save/-restore) for the family can be run here: the binaries exist and
 * `iptables-save -t filter` succeeds (it fails when the kernel side is missing). Cached per process.
 */
export function iptablesAvailable(family: IptFamily): boolean {
  let ok = availability.get(family);
  if (ok === undefined) {
    const r = run(binary(family, 'save'), ['-t', 'filter']);
    ok = !r.error && r.status === 0;
    if (ok) {
      const v = run(binary(family, 'restore'), ['--version']);
      ok = !v.error && v.status === 0;
    }
    availability.set(family, ok);
  }
  return ok;
}
