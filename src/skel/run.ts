/**
 * The plugin side of the CNI protocol: environment and stdin in, one verb dispatched, a result or an
 * error JSON out. Every plugin runs through `runPlugin`; all I/O is injected (`PluginIO`) so tests and
 * in-process delegation drive it without touching the real process.
 *
 * Order of checks follows the reference skel: environment (code 4), stdin JSON (6), network name (7),
 * version rules (1), then the plugin. Errors are printed as JSON on stdout with exit code 1.
 */
import { asCniError, CniError, ErrorCode } from '../spec/errors.js';
import type { NetConf } from '../spec/types.js';
import { CURRENT_VERSION } from '../spec/types.js';
import { formatResult, parseResult } from '../spec/convert.js';
import { IMPLICIT_VERSION, versionAtLeast } from '../spec/version.js';
import { loggerFromEnv, type Logger } from '../log/logger.js';
import { BINARY_VERSION } from '../version.js';
import { CONTAINER_ID_PATTERN, readEnv } from './env.js';
import { canonicalize } from '../lib/go-fields.js';
import { NETCONF_SHAPE } from '../spec/netconf-shape.js';
import type { CmdArgs, Command, PluginContext, PluginDefinition, PluginEntry, PluginLookup } from './types.js';

export interface PluginIO {
  env: Record<string, string | undefined>;
  readStdin(): Buffer;
  stdout(s: string): void;
  stderr(s: string): void;
}

const DECODE_PREFIX = 'error unmarshall network config';

/** Oldest config version that may carry each verb (older configs cannot express it). */
const MIN_CONFIG_VERSION: Partial<Record<Command, string>> = { CHECK: '0.4.0', GC: '1.1.0', STATUS: '1.1.0' };

/**
 * Run one CNI invocation of `entry`. Resolves to the process exit code. `plugins` lets its
 * delegates that are this executable run in-process (see PluginContext.plugins); an in-process
 * run logs exactly what the same plugin run as a child would (its own failure line included), so
 * the two cannot be told apart.
 */
export async function runPlugin(entry: PluginEntry, io: PluginIO, plugins?: PluginLookup): Promise<number> {
  const rawCommand = io.env.CNI_COMMAND;
  // VERSION must be fast: no plugin module, no stdin, no logger.
  if (rawCommand === 'VERSION') {
    io.stdout(`${JSON.stringify(versionInfo(entry))}\n`);
    return 0;
  }
  // Started by hand without a command: say what this is, like the reference skel (exit 0).
  if (!rawCommand) {
    io.stderr(aboutText(entry));
    return 0;
  }

  let log: Logger | undefined;
  let confVersion: string | undefined;
  try {
    const env = readEnv(io.env);
    log = loggerFromEnv(io.env, { plugin: entry.name, command: env.command, ...(env.containerId ? { containerId: env.containerId } : {}) }, io.stderr);
    const args: CmdArgs = { ...env, stdin: readStdin(io) };
    const conf = decodeConfig(args.stdin);
    confVersion = conf.cniVersion;
    checkVersion(args.command, conf.cniVersion, entry.supportedVersions);
    if (conf.prevResult !== undefined && conf.prevResult !== null) {
      conf.prevResult = parseResult(conf.prevResult, conf.cniVersion, { label: 'prevResult' });
    }
    const ctx: PluginContext = { args, env: io.env, log, stderr: io.stderr, ...(plugins ? { plugins } : {}) };
    const plugin = await entry.load();
    const out = await dispatch(plugin, plugin.parseConfig(conf, ctx), ctx);
    if (out !== undefined) io.stdout(`${out}\n`);
    log.debug('done');
    return 0;
  } catch (err) {
    const e = asCniError(err);
    log ??= loggerFromEnv(io.env, { plugin: entry.name, command: rawCommand }, io.stderr);
    logFailure(log, e, err);
    io.stdout(`${JSON.stringify(e.toJSON(confVersion))}\n`);
    return 1;
  }
}

/**
 * One line per failure: level, the logger's bindings (plugin, command, containerId), code and
 * message (and details when they add to it). The stack of the error and its causes only at debug.
 */
function logFailure(log: Logger, e: CniError, err: unknown): void {
  const level = e.code === ErrorCode.Internal ? 'error' : 'warn';
  const details = e.toJSON().details;
  const fields: Record<string, unknown> = { code: e.code, ...(details ? { details } : {}) };
  if (log.isLevelEnabled('debug')) fields.err = err;
  log[level](fields, e.message);
}

/** Run the verb; returns what goes to stdout (only ADD prints on success). */
async function dispatch(plugin: PluginDefinition, conf: NetConf, ctx: PluginContext): Promise<string | undefined> {
  switch (ctx.args.command) {
    case 'ADD': {
      const result = await plugin.add(conf, ctx);
      if (!result) throw new CniError(ErrorCode.Internal, `plugin ${plugin.name} returned no result for ADD`);
      return JSON.stringify(formatResult(result, conf.cniVersion));
    }
    case 'DEL':
      await plugin.del(conf, ctx);
      return undefined;
    case 'CHECK':
      await plugin.check(conf, ctx);
      return undefined;
    // A plugin without GC keeps no state to collect; one without STATUS is always ready.
    case 'GC':
      await plugin.gc?.(conf, ctx);
      return undefined;
    case 'STATUS':
      await plugin.status?.(conf, ctx);
      return undefined;
    case 'VERSION': // answered before anything is loaded
      throw new CniError(ErrorCode.Internal, 'VERSION reached dispatch');
  }
}

/** The VERSION answer: the newest spec version we speak, and the plugin's list. */
export function versionInfo(entry: Pick<PluginEntry, 'supportedVersions'>): { cniVersion: string; supportedVersions: string[] } {
  return { cniVersion: CURRENT_VERSION, supportedVersions: [...entry.supportedVersions] };
}

function aboutText(entry: PluginEntry): string {
  return `CNI plugin ${entry.name} ${BINARY_VERSION}\nCNI protocol versions supported: ${entry.supportedVersions.join(', ')}\n`;
}

function readStdin(io: PluginIO): Buffer {
  try {
    return io.readStdin();
  } catch (err) {
    throw new CniError(ErrorCode.IOFailure, `error reading from stdin: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** stdin -> NetConf with name and cniVersion checked (an empty cniVersion means 0.1.0); `type` may be absent. */
export function decodeConfig(stdin: Buffer): NetConf {
  const text = stdin.toString('utf8');
  // The reference skel's texts: "error unmarshall network config: ..." (Go's own for empty input).
  if (text.trim() === '') throw new CniError(ErrorCode.DecodingFailure, `${DECODE_PREFIX}: unexpected end of JSON input`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const m = (err as Error).message;
    throw new CniError(ErrorCode.DecodingFailure, `${DECODE_PREFIX}: ${m.charAt(0).toLowerCase()}${m.slice(1)}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CniError(ErrorCode.DecodingFailure, `${DECODE_PREFIX}: expected a JSON object`);
  }
  // Shared keys under their spec names, matched as Go's encoding/json matches struct fields.
  const conf = canonicalize(raw as Record<string, unknown>, NETCONF_SHAPE);
  const { name, type, cniVersion } = conf;
  if (name === undefined || name === null || name === '') throw new CniError(ErrorCode.InvalidNetworkConfig, 'missing network name');
  if (typeof name !== 'string') throw new CniError(ErrorCode.InvalidNetworkConfig, 'network name must be a string');
  if (!CONTAINER_ID_PATTERN.test(name)) {
    throw new CniError(ErrorCode.InvalidNetworkConfig, `invalid network name: must match ${CONTAINER_ID_PATTERN.source}`, name);
  }
  // No "type" is fine: the plugin knows what it is (the reference's skel does not check it either).
  if (type !== undefined && type !== null && typeof type !== 'string') {
    throw new CniError(ErrorCode.DecodingFailure, `${DECODE_PREFIX}: type must be a string`);
  }
  if (cniVersion !== undefined && cniVersion !== null && typeof cniVersion !== 'string') {
    throw new CniError(ErrorCode.DecodingFailure, 'decoding version from network config: cniVersion must be a string');
  }
  conf.cniVersion = cniVersion || IMPLICIT_VERSION;
  return conf as NetConf;
}

/**
 * The verb's minimum config version first (as the reference), then whether the plugin speaks the
 * config's version at all. An unparsable version fails the minimum check with code 6.
 */
export function checkVersion(command: Command, version: string, supported: readonly string[]): void {
  const min = MIN_CONFIG_VERSION[command];
  if (min && !versionAtLeast(version, min)) {
    // The reference's fixed message, no details (it names the verb; the config's version is in the JSON).
    throw new CniError(ErrorCode.IncompatibleCniVersion, `config version does not allow ${command}`);
  }
  if (!supported.includes(version)) {
    const list = supported.map((v) => `"${v}"`).join(' ');
    throw new CniError(ErrorCode.IncompatibleCniVersion, 'incompatible CNI versions', `config is "${version}", plugin supports [${list}]`);
  }
}
