/**
 * Running a plugin binary: the Exec seam (tests inject a fake) and RawExec, which spawns the
 * plugin as a child process, feeds the request on stdin and turns a failure into the plugin's
 * typed error (pkg/invoke RawExec). Given an in-process runner (injected by the CLI, which runs
 * this executable's own plugins in-process through src/invoke: the runtime library never imports
 * the plugins), RawExec runs a plugin the runner takes in this process instead, with the same
 * stdin, environment and output interpretation, so results, errors, logs and the cache are the same.
 */
import { ErrorCode } from '../../spec/errors.js';
import { PluginExecError } from '../errors.js';
import { findInPath } from './find.js';
import { spawnPlugin } from '../../invoke/spawn.js';
import type { PluginOutcome } from '../../invoke/types.js';

export interface Exec {
  /** Run the plugin; resolve with its stdout, reject with a PluginExecError when it fails. */
  execPlugin(pluginPath: string, stdin: Buffer, env: Record<string, string>): Promise<Buffer>;
  findInPath(plugin: string, paths: readonly string[]): Promise<string>;
}

/** What one run of a process produced. */
export type ProcessOutcome = PluginOutcome;

/** Runs a process once; rejects only when it could not be started (ENOENT, ETXTBSY, ...). */
export type RunProcess = (file: string, stdin: Buffer, env: Record<string, string>) => Promise<ProcessOutcome>;

/**
 * For a plugin file, a way to run it in this process with the outcome a child would have had, or
 * undefined when it must be started as a process.
 */
export type InProcessRunner = (pluginPath: string) => ((stdin: Buffer, env: Record<string, string>) => Promise<ProcessOutcome>) | undefined;

export interface RawExecOptions {
  /** Where a successful plugin's stderr is copied (default process.stderr; null drops it). */
  stderr?: NodeJS.WritableStream | null;
  /** Pause between attempts when the binary is being written ("text file busy"). Default 1000 ms. */
  retryDelayMs?: number;
  /** Further attempts after the first on ETXTBSY. Default 5. */
  maxRetries?: number;
  /** Test seam: how one attempt runs. */
  run?: RunProcess;
  /** Runs the plugins it takes in this process. Absent: every plugin is a child process (what a runtime sees). */
  inProcess?: InProcessRunner;
}

export class RawExec implements Exec {
  private readonly stderrSink: NodeJS.WritableStream | null;
  private readonly retryDelayMs: number;
  private readonly maxRetries: number;
  private readonly run: RunProcess;
  private readonly inProcess: InProcessRunner | undefined;

  constructor(opts: RawExecOptions = {}) {
    this.stderrSink = opts.stderr === undefined ? process.stderr : opts.stderr;
    this.retryDelayMs = opts.retryDelayMs ?? 1000;
    this.maxRetries = opts.maxRetries ?? 5;
    this.run = opts.run ?? runProcess;
    this.inProcess = opts.inProcess;
  }

  async execPlugin(pluginPath: string, stdin: Buffer, env: Record<string, string>): Promise<Buffer> {
    const own = this.inProcess?.(pluginPath);
    for (let attempt = 0; ; attempt++) {
      let out: ProcessOutcome;
      try {
        out = own ? await own(stdin, env) : await this.run(pluginPath, stdin, env);
      } catch (err) {
        // The binary may be being replaced right now (an upgrade): wait and try again.
        if ((err as NodeJS.ErrnoException).code === 'ETXTBSY' && attempt < this.maxRetries) {
          await sleep(this.retryDelayMs);
          continue;
        }
        throw new PluginExecError(pluginPath, ErrorCode.Unknown, `netplugin failed: ${(err as Error).message}`, undefined, { cause: err });
      }
      if (out.status === 0) {
        if (this.stderrSink && out.stderr.length > 0) this.stderrSink.write(out.stderr);
        return out.stdout;
      }
      throw pluginError(pluginPath, out);
    }
  }

  findInPath(plugin: string, paths: readonly string[]): Promise<string> {
    return findInPath(plugin, paths);
  }
}

/** The error a failed run means: the plugin's JSON error on stdout, else its stderr text. */
export function pluginError(pluginPath: string, out: ProcessOutcome): PluginExecError {
  const exit = out.status !== null ? `exit status ${out.status}` : `signal: ${out.signal ?? 'unknown'}`;
  if (out.stdout.length === 0) {
    const msg = out.stderr.length === 0
      ? `netplugin failed with no error message: ${exit}`
      : `netplugin failed: ${JSON.stringify(out.stderr.toString('utf8'))}: ${exit}`;
    return new PluginExecError(pluginPath, ErrorCode.Unknown, msg);
  }
  const text = out.stdout.toString('utf8');
  let parsed: unknown;
  let problem: string | undefined;
  try {
    parsed = JSON.parse(text);
    problem = errorShapeProblem(parsed);
  } catch (err) {
    problem = (err as Error).message;
  }
  if (problem !== undefined) {
    return new PluginExecError(pluginPath, ErrorCode.Unknown, `netplugin failed but error parsing its diagnostic message ${JSON.stringify(text)}: ${problem}`);
  }
  const e = parsed as { code?: number; msg?: string; details?: string };
  return new PluginExecError(pluginPath, e.code ?? ErrorCode.Unknown, e.msg ?? '', e.details || undefined);
}

function errorShapeProblem(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'not a JSON object';
  const o = v as Record<string, unknown>;
  if (o.code !== undefined && !(typeof o.code === 'number' && Number.isInteger(o.code) && o.code >= 0)) return '"code" is not a non-negative integer';
  if (o.msg !== undefined && typeof o.msg !== 'string') return '"msg" is not a string';
  if (o.details !== undefined && typeof o.details !== 'string') return '"details" is not a string';
  return undefined;
}

/** Spawn `file` with no arguments, write `stdin`, collect stdout and stderr. */
export const runProcess: RunProcess = (file, stdin, env) => spawnPlugin(file, stdin, env);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
