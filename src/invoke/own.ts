/**
 * Whether a plugin found in CNI_PATH is this very executable, so it can run in this process
 * instead of paying a whole Node start. Never when running from source: there process.execPath is
 * plain node, and a symlink to it is not one of our plugins.
 */
import * as fs from 'node:fs';

export function isSameFile(found: string, execPath: string): boolean {
  try {
    return fs.realpathSync(found) === fs.realpathSync(execPath);
  } catch {
    return false;
  }
}

export function runningInSea(): boolean {
  try {
    return (require('node:sea') as typeof import('node:sea')).isSea();
  } catch {
    return false; // from source: ESM has no `require`, and node:sea may not exist
  }
}

/**
 * `found` (a path from CNI_PATH) is this executable, running as the SEA. The build's code-cache
 * warm-up runs the bundle under plain node and sets CNI_WARMUP_IN_PROCESS=1, so that `cni run` and
 * `cni exec` there compile the in-process paths the executable takes; the executable never reads it.
 */
export function isThisExecutable(found: string): boolean {
  if (!runningInSea() && process.env.CNI_WARMUP_IN_PROCESS !== '1') return false;
  return isSameFile(found, process.execPath);
}
