/**
 * Delegation (SPEC section 4), e.g. a main plugin handing IPAM to host-local, or flannel handing the
 * whole attachment to bridge: find the delegate in CNI_PATH, run it with the parent's environment
 * (CNI_COMMAND set to the verb) and the parent's complete stdin, forward its stderr, and turn its
 * output into a Result or its error JSON into a CniError carrying the delegate's own code, msg and
 * details.
 *
 * Fast path: in the multicall binary the delegate in CNI_PATH is usually a symlink to this very
 * executable. Starting it again would cost a whole Node start-up, so when the file found is our own
 * executable and the plugin lookup (ctx.plugins, injected by main) serves that name, the delegate
 * runs in-process (src/invoke). Its output is interpreted by exactly the same code as a child's,
 * so the caller cannot tell the two apart.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CniError, ErrorCode } from '../spec/errors.js';
import type { Result } from '../spec/types.js';
import { parseResult } from '../spec/convert.js';
import { IMPLICIT_VERSION } from '../spec/version.js';
import { decodeConfig, type PluginIO } from './run.js';
import type { Command, PluginContext, PluginEntry } from './types.js';
import { isSameFile, isThisExecutable } from '../invoke/own.js';
import { runInProcess } from '../invoke/in-process.js';
import { spawnPlugin } from '../invoke/spawn.js';
import type { PluginOutcome, StderrSink } from '../invoke/types.js';

export type DelegateCommand = Exclude<Command, 'VERSION'>;

/** Runs plugin `type` in this process with the given I/O; resolves to its exit code (a test seam). */
export type InProcessRunner = (type: string, io: PluginIO) => Promise<number>;

export interface DelegateOptions {
  /** Receives the delegate's stderr (default: this process's stderr). */
  stderr?: (s: string) => void;
  /** Run the delegate in-process with this runner instead of deciding by binary identity (tests). */
  inProcessRunner?: InProcessRunner;
}

const STDERR_TAIL = 8 * 1024;
const TEXT_FILE_BUSY_RETRIES = 5;

/**
 * The first `dir/type` in CNI_PATH that is a regular file after following symlinks (libcni's
 * FindInPath). Errors are code 999 (Internal), as the reference's plain errors become in skel.
 */
export function findInPath(type: string, cniPath: readonly string[]): string {
  if (!type) throw new CniError(ErrorCode.Internal, 'no plugin name provided');
  if (type.includes('/')) throw new CniError(ErrorCode.Internal, `invalid plugin name: ${type}`);
  for (const dir of cniPath) {
    const full = path.join(dir, type);
    if (fs.statSync(full, { throwIfNoEntry: false })?.isFile()) return full;
  }
  throw new CniError(ErrorCode.Internal, `failed to find plugin "${type}" in path [${cniPath.join(' ')}]`);
}

/** Whether a delegate found at `found` is this executable (only ever true inside the SEA). */
export function shouldRunInProcess(found: string, execPath: string, isSea: boolean): boolean {
  return isSea && isSameFile(found, execPath);
}

/** ADD on a delegate; its result (any spec version) read into the internal shape. */
export async function delegateAdd(type: string, stdin: Buffer | string, ctx: PluginContext, opts: DelegateOptions = {}): Promise<Result> {
  const conf = toBuffer(stdin);
  const out = await delegate('ADD', type, conf, ctx, opts);
  let json: unknown;
  try {
    json = JSON.parse(out);
  } catch (err) {
    const what = out.trim() === '' ? 'it printed nothing' : (err as Error).message;
    throw new CniError(ErrorCode.DecodingFailure, `failed to decode the result of delegated plugin "${type}": ${what}`);
  }
  return parseResult(json, configVersionOf(conf), { label: `result of delegated plugin "${type}"` });
}

export async function delegateDel(type: string, stdin: Buffer | string, ctx: PluginContext, opts: DelegateOptions = {}): Promise<void> {
  await delegate('DEL', type, toBuffer(stdin), ctx, opts);
}

export async function delegateCheck(type: string, stdin: Buffer | string, ctx: PluginContext, opts: DelegateOptions = {}): Promise<void> {
  await delegate('CHECK', type, toBuffer(stdin), ctx, opts);
}

export async function delegateStatus(type: string, stdin: Buffer | string, ctx: PluginContext, opts: DelegateOptions = {}): Promise<void> {
  await delegate('STATUS', type, toBuffer(stdin), ctx, opts);
}

export async function delegateGc(type: string, stdin: Buffer | string, ctx: PluginContext, opts: DelegateOptions = {}): Promise<void> {
  await delegate('GC', type, toBuffer(stdin), ctx, opts);
}

/**
 * Everything about a delegated ADD that can fail without touching the kernel, checked before the
 * caller makes anything: the plugin is found in CNI_PATH (or the name is invalid), and when it is
 * this executable, its config parses (host-local's ranges, static's addresses, CNI_ARGS IP...).
 * Throws exactly the error the delegation itself would.
 */
export async function preflightDelegate(type: string, stdin: Buffer | string, ctx: PluginContext): Promise<void> {
  const found = findInPath(type, ctx.args.path);
  const own = ownEntry(type, found, ctx);
  if (!own) return;
  const conf = decodeConfig(toBuffer(stdin));
  if (conf.prevResult !== undefined && conf.prevResult !== null) conf.prevResult = parseResult(conf.prevResult, conf.cniVersion, { label: 'prevResult' });
  (await own.load()).parseConfig(conf, { ...ctx, args: { ...ctx.args, command: 'ADD' } });
}

/** Run `type` with `command`; resolves to its stdout on success, throws its error otherwise. */
export async function delegate(command: DelegateCommand, type: string, stdin: Buffer, ctx: PluginContext, opts: DelegateOptions = {}): Promise<string> {
  const found = findInPath(type, ctx.args.path);
  const env = childEnv(ctx.env, command);
  const write = opts.stderr ?? ctx.stderr ?? ((s: string) => void process.stderr.write(s));
  const sink: StderrSink = (b) => write(b.toString('utf8'));
  const own = opts.inProcessRunner ? undefined : ownEntry(type, found, ctx);
  ctx.log.debug({ delegate: type, command, path: found, inProcess: own !== undefined || opts.inProcessRunner !== undefined }, 'delegating');
  let outcome: PluginOutcome;
  if (opts.inProcessRunner) outcome = await runWithRunner(opts.inProcessRunner, type, env, stdin, write);
  else if (own) outcome = await runInProcess(own, stdin, env, ctx.plugins, sink);
  else outcome = await execPlugin(found, env, stdin, sink);
  return interpretOutcome(type, outcome);
}

/** Success -> stdout. Failure -> the delegate's error JSON as a CniError, else a description. */
export function interpretOutcome(type: string, o: PluginOutcome): string {
  if (o.status === 0) return o.stdout.toString('utf8');
  const how = o.signal ? `killed by signal ${o.signal}` : `exit status ${o.status}`;
  const stdout = o.stdout.toString('utf8').trim();
  if (stdout === '') {
    const stderr = o.stderr.subarray(-STDERR_TAIL).toString('utf8').trim();
    const msg = stderr
      ? `delegated plugin "${type}" failed: ${JSON.stringify(stderr)}: ${how}`
      : `delegated plugin "${type}" failed with no error message: ${how}`;
    return failUnknown(msg);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch (err) {
    return failUnknown(`delegated plugin "${type}" failed (${how}) and its error output is not JSON: ${JSON.stringify(stdout)}: ${(err as Error).message}`);
  }
  const e = parsed as { code?: unknown; msg?: unknown; details?: unknown };
  if (typeof parsed !== 'object' || parsed === null || typeof e.code !== 'number' || typeof e.msg !== 'string') {
    return failUnknown(`delegated plugin "${type}" failed (${how}) with an unexpected error object: ${stdout}`);
  }
  throw new CniError(e.code, e.msg, typeof e.details === 'string' && e.details !== '' ? e.details : undefined);
}

function failUnknown(msg: string): never {
  throw new CniError(ErrorCode.Unknown, msg);
}

// ---------------------------------------------------------------------------------------------

function toBuffer(stdin: Buffer | string): Buffer {
  return typeof stdin === 'string' ? Buffer.from(stdin, 'utf8') : stdin;
}

/** The config's cniVersion, which a delegate's result without one is taken to be. */
function configVersionOf(stdin: Buffer): string {
  try {
    const v = (JSON.parse(stdin.toString('utf8')) as { cniVersion?: unknown }).cniVersion;
    return typeof v === 'string' && v !== '' ? v : IMPLICIT_VERSION;
  } catch {
    return IMPLICIT_VERSION;
  }
}

function childEnv(parent: Record<string, string | undefined>, command: DelegateCommand): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(parent)) if (v !== undefined) env[k] = v;
  env.CNI_COMMAND = command;
  return env;
}

/** Our own registry entry for `type` when the delegate found is this executable; else undefined. */
function ownEntry(type: string, found: string, ctx: PluginContext): PluginEntry | undefined {
  if (!ctx.plugins || !isThisExecutable(found)) return undefined;
  return ctx.plugins(type);
}

/** The test seam: a runner given the same I/O a child would get. */
async function runWithRunner(runner: InProcessRunner, type: string, env: Record<string, string>, stdin: Buffer, write: (s: string) => void): Promise<PluginOutcome> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: PluginIO = {
    env,
    readStdin: () => stdin,
    stdout: (s) => void stdout.push(s),
    stderr: (s) => {
      write(s);
      stderr.push(s);
    },
  };
  const status = await runner(type, io);
  return { status, signal: null, stdout: Buffer.from(stdout.join('')), stderr: Buffer.from(stderr.join('')) };
}

/** Exec the delegate binary, retrying "text file busy" like libcni (the file is being replaced). */
async function execPlugin(file: string, env: Record<string, string>, stdin: Buffer, sink: StderrSink): Promise<PluginOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await spawnPlugin(file, stdin, env, sink);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ETXTBSY' && attempt < TEXT_FILE_BUSY_RETRIES) {
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      throw new CniError(ErrorCode.Internal, `failed to run delegated plugin ${file}`, undefined, { cause: err });
    }
  }
}
