/**
 * Lazy access to node:child_process for the iptables code path only: iptables(-restore/-save) are
 * the one sanctioned child process, and plugins that never touch iptables must not pay for loading
 * the module. process.getBuiltinModule (Node 20.16+/22.3+) loads it on first use; older runtimes
 * fall back to createRequire (node:module is loaded by Node's own start-up anyway).
 */
import type * as ChildProcess from 'node:child_process';
import { createRequire } from 'node:module';

let cached: typeof ChildProcess | undefined;

export function childProcess(): typeof ChildProcess {
  if (cached) return cached;
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  cached = (getBuiltin?.('node:child_process') as typeof ChildProcess | undefined) ?? loadFallback();
  return cached;
}

function loadFallback(): typeof ChildProcess {
  // Only reached on a Node without getBuiltinModule; the SEA build runs Node 22 and never gets here.
  // Any absolute path works as the base: only a builtin is resolved (import.meta.url is empty in the CJS bundle).
  const require = createRequire(process.execPath);
  return require('node:child_process') as typeof ChildProcess;
}
