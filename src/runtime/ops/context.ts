/** What every list operation needs: where plugins live, how to run them, the cache, the env. */
import type { ResultCache } from '../cache.js';
import { pluginEnv, type Env, type Verb } from '../invoke/env.js';
import type { Exec } from '../invoke/exec.js';
import type { NetworkConfig, NetworkConfigList, RuntimeConf } from '../types.js';
import { versionAtLeast } from '../../spec/version.js';

export interface RuntimeContext {
  path: readonly string[];
  exec: Exec;
  cache: ResultCache;
  /** The environment plugins inherit (normally process.env). */
  env: Env;
}

const NO_ATTACHMENT: RuntimeConf = { containerId: '', netns: '', ifName: '' };

/** Find the plugin binary for `conf.type` and run it with `stdin`; resolves with its stdout. */
export async function invokePlugin(ctx: RuntimeContext, verb: Verb, conf: NetworkConfig, stdin: Buffer, rt: RuntimeConf = NO_ATTACHMENT): Promise<Buffer> {
  const pluginPath = await ctx.exec.findInPath(conf.network.type, ctx.path);
  const env = pluginEnv(ctx.env, {
    command: verb,
    containerId: rt.containerId,
    netns: rt.netns,
    ifName: rt.ifName,
    pluginArgs: rt.args,
    path: ctx.path.join(':'),
  });
  return ctx.exec.execPlugin(pluginPath, stdin, env);
}

/** A single-plugin config treated as a list of one (the libcni *Network forms). */
export function listOfOne(net: NetworkConfig): NetworkConfigList {
  return {
    name: net.network.name ?? '',
    cniVersion: net.network.cniVersion ?? '',
    disableCheck: false,
    disableGC: false,
    loadOnlyInlinedPlugins: true,
    plugins: [net],
    bytes: net.bytes,
  };
}

/** version >= min; a malformed version counts as older, as libcni ignores the parse error. */
export function atLeast(version: string, min: string): boolean {
  try {
    return versionAtLeast(version, min);
  } catch {
    return false;
  }
}
