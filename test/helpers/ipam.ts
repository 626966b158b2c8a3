/** Drive an IPAM PluginDefinition in-process with a fake context (no binary, no root). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CmdArgs, Command, PluginContext, PluginDefinition } from '../../src/skel/types.js';
import type { NetConf, Result } from '../../src/spec/types.js';
import { createLogger } from '../../src/log/logger.js';

export interface CallArgs {
  containerId?: string;
  ifName?: string;
  /** Raw CNI_ARGS. */
  args?: string;
  netns?: string;
}

export function fakeCtx(command: Command, call: CallArgs = {}): PluginContext {
  const args: CmdArgs = {
    command,
    containerId: call.containerId ?? '',
    ifName: call.ifName ?? '',
    netns: call.netns ?? '',
    args: call.args ?? '',
    path: [],
    stdin: Buffer.alloc(0),
  };
  return { args, env: {}, log: createLogger({ level: 'silent' }) };
}

/** parseConfig + the verb, as skel would run them. */
export async function invoke<C extends NetConf>(
  plugin: PluginDefinition<C>,
  command: Exclude<Command, 'VERSION'>,
  raw: object,
  call: CallArgs = {},
): Promise<Result | undefined> {
  const ctx = fakeCtx(command, call);
  const conf = plugin.parseConfig(structuredClone(raw) as NetConf, ctx);
  switch (command) {
    case 'ADD':
      return plugin.add(conf, ctx);
    case 'DEL':
      return void (await plugin.del(conf, ctx));
    case 'CHECK':
      return void (await plugin.check(conf, ctx));
    case 'GC':
      return void (await plugin.gc?.(conf, ctx));
    case 'STATUS':
      return void (await plugin.status?.(conf, ctx));
  }
}

/** A fresh temp directory; remove it with removeDir in a finally. */
export function makeTempDir(prefix = 'cni-ipam-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Expect `fn` to throw a CniError-like object with this code and exact message. */
export async function expectCniError(fn: () => unknown, code: number, msg: string | RegExp): Promise<void> {
  let thrown: unknown;
  try {
    await fn();
  } catch (err) {
    thrown = err;
  }
  if (thrown === undefined) throw new Error(`expected an error "${String(msg)}" (code ${code}), got success`);
  const e = thrown as { code?: unknown; message?: string };
  const okMsg = typeof msg === 'string' ? e.message === msg : msg.test(e.message ?? '');
  if (e.code !== code || !okMsg) {
    throw new Error(`expected code ${code} "${String(msg)}", got code ${String(e.code)} "${e.message}"`, { cause: thrown });
  }
}
