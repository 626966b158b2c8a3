/**
 * How the CLI's runtime commands (`cni exec`, `cni run`) run plugins: a plugin in CNI_PATH that is
 * this executable runs in this process (no Node start per plugin), unless turned off with
 * `--no-in-process` or CNI_IN_PROCESS=0, which runs every plugin as a child process, exactly as
 * containerd or CRI-O would (to debug what a runtime sees). The registry is injected here: the
 * runtime library itself never imports the plugins.
 */
import { RawExec, type Exec } from '../runtime/index.js';
import { findPlugin } from '../plugins/registry.js';

export const IN_PROCESS_ENV = 'CNI_IN_PROCESS';

/** In-process unless the option says no, or the environment says 0/false/no/off. */
export function inProcessWanted(option: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  if (option !== undefined) return option;
  const v = (env[IN_PROCESS_ENV] ?? '').trim().toLowerCase();
  return !['0', 'false', 'no', 'off'].includes(v);
}

export function pluginExec(inProcess: boolean): Exec {
  return new RawExec(inProcess ? { plugins: findPlugin } : {});
}

/** The yargs option both commands carry (`--no-in-process` turns it off). */
export const IN_PROCESS_OPTION = {
  type: 'boolean',
  describe: `run plugins that are this executable in-process; --no-in-process starts each as a child process, as a runtime does [env ${IN_PROCESS_ENV}=0; default true]`,
} as const;
