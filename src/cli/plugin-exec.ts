/**
 * How the CLI's runtime commands (`cni exec`, `cni run`) run plugins: a plugin in CNI_PATH that is
 * this executable runs in this process (no Node start per plugin), unless turned off with
 * `--no-in-process` or CNI_IN_PROCESS=0, which runs every plugin as a child process, exactly as
 * containerd or CRI-O would (to debug what a runtime sees). The registry is injected here: the
 * runtime library itself never imports the plugins.
 */
import * as path from 'node:path';
import { RawExec, type Exec, type InProcessRunner } from '../runtime/index.js';
import { findPlugin } from '../plugins/registry.js';
import { runInProcess } from '../invoke/in-process.js';
import { isThisExecutable } from '../invoke/own.js';
import type { PluginLookup } from '../skel/types.js';

export const IN_PROCESS_ENV = 'CNI_IN_PROCESS';

/** In-process unless the option says no, or the environment says 0/false/no/off. */
export function inProcessWanted(option: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  if (option !== undefined) return option;
  const v = (env[IN_PROCESS_ENV] ?? '').trim().toLowerCase();
  return !['0', 'false', 'no', 'off'].includes(v);
}

/**
 * A plugin file that is this executable, under a name the registry serves (the basename: what a
 * child would dispatch on), runs in-process; anything else is started. The seams are for tests.
 */
export function ownPluginRunner(plugins: PluginLookup = findPlugin, isOwn: (file: string) => boolean = isThisExecutable): InProcessRunner {
  return (file) => {
    const entry = isOwn(file) ? plugins(path.basename(file)) : undefined;
    return entry && ((stdin, env) => runInProcess(entry, stdin, env, plugins));
  };
}

export function pluginExec(inProcess: boolean): Exec {
  return new RawExec(inProcess ? { inProcess: ownPluginRunner() } : {});
}

/** The yargs option both commands carry (`--no-in-process` turns it off). */
export const IN_PROCESS_OPTION = {
  type: 'boolean',
  describe: `run plugins that are this executable in-process; --no-in-process starts each as a child process, as a runtime does [env ${IN_PROCESS_ENV}=0; default true]`,
} as const;
