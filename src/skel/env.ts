/**
 * The CNI_* environment -> CmdArgs (without stdin), validated as the reference skel does
 * (cni-reference 1.2). Every problem is code 4 (invalid environment variables) and names the variable.
 */
import { CniError, ErrorCode } from '../spec/errors.js';
import type { CmdArgs, Command } from './types.js';

export const COMMANDS: readonly Command[] = ['ADD', 'DEL', 'CHECK', 'GC', 'STATUS', 'VERSION'];

export type EnvArgs = Omit<CmdArgs, 'stdin'>;

type VarName = 'CNI_CONTAINERID' | 'CNI_NETNS' | 'CNI_IFNAME' | 'CNI_PATH';

/**
 * Variables each command cannot do without, in the reference's reporting order.
 * - DEL does not need CNI_NETNS: it must succeed after the namespace is gone.
 * - CNI_PATH is required only for GC, as the spec says. The reference skel also demands it for
 *   ADD/CHECK/DEL, but only plugins that delegate use it, and they fail with a precise
 *   "failed to find plugin" error when it is empty; runtimes and tools that run a plain plugin
 *   without it keep working.
 * - GC and STATUS are about the whole network, not one attachment: no container variables.
 */
const REQUIRED: Readonly<Record<Command, readonly VarName[]>> = {
  ADD: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  CHECK: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  DEL: ['CNI_CONTAINERID', 'CNI_IFNAME'],
  GC: ['CNI_PATH'],
  STATUS: [],
  VERSION: [],
};

/** The spec's rule for container IDs (and network names). */
export const CONTAINER_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.\-]*$/;
/** IFNAMSIZ - 1: the kernel keeps a terminating NUL in 16 bytes. */
export const MAX_IFNAME_BYTES = 15;

const envError = (msg: string, details?: string) => new CniError(ErrorCode.InvalidEnvironmentVariables, msg, details);

export function parseCommand(raw: string | undefined): Command {
  if (!raw) throw envError('required env variables [CNI_COMMAND] missing');
  if (!(COMMANDS as readonly string[]).includes(raw)) throw envError(`unknown CNI_COMMAND: ${raw}`);
  return raw as Command;
}

/** Validate the environment for its CNI_COMMAND. Throws CniError code 4. */
export function readEnv(env: Record<string, string | undefined>): EnvArgs {
  const command = parseCommand(env.CNI_COMMAND);
  const required = REQUIRED[command];
  const missing = required.filter((name) => !env[name]);
  if (missing.length) throw envError(`required env variables [${missing.join(',')}] missing`);

  const containerId = env.CNI_CONTAINERID ?? '';
  const ifName = env.CNI_IFNAME ?? '';
  if (required.includes('CNI_CONTAINERID')) validateContainerId(containerId);
  if (required.includes('CNI_IFNAME')) validateIfName(ifName);
  return {
    command,
    containerId,
    netns: env.CNI_NETNS ?? '',
    ifName,
    args: env.CNI_ARGS ?? '',
    path: splitCniPath(env.CNI_PATH),
  };
}

export function splitCniPath(raw: string | undefined): string[] {
  return (raw ?? '').split(':').filter((p) => p !== '');
}

export function validateContainerId(id: string): void {
  if (!CONTAINER_ID_PATTERN.test(id)) {
    throw envError(`invalid CNI_CONTAINERID: must match ${CONTAINER_ID_PATTERN.source}`, id);
  }
}

/** The kernel's dev_valid_name() rules, as the reference's ValidateInterfaceName applies them. */
export function validateIfName(name: string): void {
  const problem = ifNameProblem(name);
  if (problem) throw envError(`invalid CNI_IFNAME: ${problem}`, name);
}

function ifNameProblem(name: string): string | undefined {
  if (name === '') return 'interface name is empty';
  if (Buffer.byteLength(name) > MAX_IFNAME_BYTES) return `interface name is too long (at most ${MAX_IFNAME_BYTES} bytes)`;
  if (name === '.' || name === '..') return 'interface name is . or ..';
  if (/[/:\s]/u.test(name)) return 'interface name contains / or : or whitespace characters';
  return undefined;
}
