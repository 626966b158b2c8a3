/**
 * What `cni exec` derives from its options and the environment, the way the reference cnitool
 * does: NETCONFPATH, CNI_PATH, CNI_ARGS, CAP_ARGS, CNI_IFNAME, and a container ID made from the
 * network namespace path.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { Attachment } from '../../../spec/types.js';
import { DEFAULT_CACHE_DIR, DEFAULT_CONF_DIR, type RuntimeConf } from '../../../runtime/index.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Options as given on the command line (all optional; the environment fills the gaps). */
export interface ExecOptions {
  ifname?: string;
  containerId?: string;
  args?: string;
  capArgs?: string;
  confDir?: string;
  cniPath?: string;
  cacheDir?: string;
  valid?: string[];
}

export interface Settings {
  confDir: string;
  cniPath: string[];
  cacheDir: string;
}

export function settingsFrom(opts: ExecOptions, env: NodeJS.ProcessEnv): Settings {
  return {
    confDir: opts.confDir || env.NETCONFPATH || DEFAULT_CONF_DIR,
    cniPath: splitPathList(opts.cniPath ?? env.CNI_PATH ?? ''),
    cacheDir: opts.cacheDir || DEFAULT_CACHE_DIR,
  };
}

/** The attachment arguments for ADD/CHECK/DEL of `netns`. */
export function runtimeConfFrom(netns: string, opts: ExecOptions, env: NodeJS.ProcessEnv): RuntimeConf {
  const absNetns = path.resolve(netns);
  const rt: RuntimeConf = {
    containerId: opts.containerId || containerIdFor(absNetns),
    netns: absNetns,
    ifName: opts.ifname || env.CNI_IFNAME || 'eth0',
  };
  const cniArgs = opts.args ?? env.CNI_ARGS ?? '';
  if (cniArgs) rt.args = parseCniArgsPairs(cniArgs);
  const capArgs = opts.capArgs ?? env.CAP_ARGS ?? '';
  if (capArgs) rt.capabilityArgs = parseCapArgs(capArgs);
  return rt;
}

/** cnitool's container ID: "cnitool-" + the first 20 hex digits of sha512(absolute netns path). */
export function containerIdFor(absNetns: string): string {
  return `cnitool-${createHash('sha512').update(absNetns).digest('hex').slice(0, 20)}`;
}

/** "K=V;K2=V2" into pairs; as in cnitool every pair needs a non-empty key and value. */
export function parseCniArgsPairs(text: string): [string, string][] {
  return text.split(';').map((pair) => {
    const kv = pair.split('=');
    if (kv.length !== 2 || !kv[0] || !kv[1]) throw new UsageError(`invalid CNI_ARGS pair "${pair}"`);
    return [kv[0], kv[1]];
  });
}

export function parseCapArgs(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`invalid CAP_ARGS: ${(err as Error).message}`, { cause: err });
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new UsageError('invalid CAP_ARGS: expected a JSON object');
  return v as Record<string, unknown>;
}

/** "CONTAINERID:IFNAME" entries of --valid. */
export function parseValidAttachments(entries: readonly string[]): Attachment[] {
  return entries.map((e) => {
    const i = e.lastIndexOf(':');
    if (i <= 0 || i === e.length - 1) throw new UsageError(`invalid attachment "${e}" (expected CONTAINERID:IFNAME)`);
    return { containerID: e.slice(0, i), ifname: e.slice(i + 1) };
  });
}

/** A colon-separated directory list; empty entries are dropped (they would mean the cwd). */
export function splitPathList(text: string): string[] {
  return text.split(':').filter((p) => p !== '');
}
