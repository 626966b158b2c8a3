/**
 * Multicall entry. basename(argv0) picks the plugin (a symlink named `bridge` in CNI_PATH runs
 * bridge); `cni <plugin>` runs it too; plain `cni` is the command-line tool. Everything past this
 * file is loaded lazily so a plugin start pays only for what it runs. The executable carries
 * bundles of this entry: everything (the CLI), and one per plugin with only that plugin and the
 * ones it delegates to (a smaller script and code cache to load on every plugin start).
 */
import * as path from 'node:path';
import { bundledLookup, findPlugin } from './plugins/registry.js';
import type { PluginEntry } from './skel/types.js';

/** The name this process was invoked under. */
export function invokedName(): string {
  let isSea = false;
  try {
    isSea = (require('node:sea') as typeof import('node:sea')).isSea();
  } catch {
    /* not inside a SEA (running from source) */
  }
  // Inside the SEA argv0 is the path as typed (the symlink); from source it is `node`.
  const raw = isSea ? process.argv0 : (process.argv[1] ?? 'cni');
  return path.basename(raw).replace(/\.(c?js|ts)$/, '');
}

async function main(): Promise<number> {
  const name = invokedName();
  const direct = findPlugin(name);
  const args = process.argv.slice(2);
  if (direct) return runPlugin(direct, args);
  if (name === 'cni' || name === 'main') {
    const asPlugin = args[0] ? findPlugin(args[0]) : undefined;
    if (asPlugin) return runPlugin(asPlugin, args.slice(1));
    // A plugin's own bundle (build.ts) drops the CLI here: the SEA entry gives it plugin starts
    // only. (An if/else on the build-time constant, so esbuild removes the dead branch's import.)
    if (process.env.CNI_BUNDLE_PLUGINS_ONLY) {
      return pluginsOnly(name);
    } else {
      const { runCli } = await import('./cli/index.js');
      return runCli(args);
    }
  }
  const { unknownNameHelp } = await import('./cli/unknown-name.js');
  process.stderr.write(unknownNameHelp(name));
  return 1;
}

/** A plugin start; `dhcp daemon ...` (or `cni dhcp daemon ...`) runs the DHCP daemon instead. */
async function runPlugin(entry: PluginEntry, rest: string[]): Promise<number> {
  if (entry.name === 'dhcp' && rest[0] === 'daemon') {
    const { runDaemon } = await import('./plugins/ipam/dhcp/daemon/main.js');
    return runDaemon(rest.slice(1));
  }
  const { runPluginFromProcess } = await import('./skel/process.js');
  // Its delegates run in-process when this bundle carries them (build.ts writes the list).
  const code = await runPluginFromProcess(entry, bundledLookup(process.env.CNI_BUNDLE_PLUGINS));
  // The result and every log line are written synchronously by now: leave at once, without Node's
  // teardown (freeing a heap that the kernel frees anyway), which cost ~6 ms of every plugin start.
  process.exit(code);
}

function pluginsOnly(name: string): number {
  process.stderr.write(`cni: "${name}" is not a plugin; this bundle serves plugins only\n`);
  return 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`cni: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
