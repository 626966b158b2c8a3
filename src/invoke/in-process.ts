/**
 * Running one of our own plugins in this process, exactly as a child would run: the same
 * environment and stdin, stdout and stderr captured, the exit code it would have exited with. The
 * plugin gets the same lookup, so its own delegates (flannel -> bridge -> host-local) run
 * in-process too.
 */
import { runPlugin, type PluginIO } from '../skel/run.js';
import type { PluginEntry, PluginLookup } from '../skel/types.js';
import type { PluginOutcome, StderrSink } from './types.js';

export async function runInProcess(entry: PluginEntry, stdin: Buffer, env: Record<string, string>, plugins: PluginLookup | undefined, onStderr?: StderrSink): Promise<PluginOutcome> {
  const stdout: string[] = [];
  const stderr: Buffer[] = [];
  const io: PluginIO = {
    env,
    readStdin: () => stdin,
    stdout: (s) => void stdout.push(s),
    stderr: (s) => {
      const b = Buffer.from(s, 'utf8');
      stderr.push(b);
      onStderr?.(b);
    },
  };
  const status = await runPlugin(entry, io, plugins, { nested: true });
  return { status, signal: null, stdout: Buffer.from(stdout.join(''), 'utf8'), stderr: Buffer.concat(stderr) };
}
