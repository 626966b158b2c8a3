/**
 * Running one of our own plugins in this process, exactly as a child would run: the same
 * environment and stdin, stdout and stderr captured, the exit code it would have exited with. The
 * plugin gets the same lookup, so its own delegates (flannel -> bridge -> host-local) run
 * in-process too.
 *
 * A child's mistakes die with it; an in-process plugin's would stay with us. The plugin sees only
 * the environment handed to it (never process.env), and setns moves only this thread, which
 * every plugin enters and leaves through withNetns (restored in a finally). As a last guard, the
 * thread's network namespace is compared before and after the run, and restored if a plugin left
 * it elsewhere: the caller (a runtime, a parent plugin) must never go on in a container's netns.
 */
import * as fs from 'node:fs';
import { CLONE_NEWNET, setns } from '../netlink/ffi/libc.js';
import { runPlugin, type PluginIO } from '../skel/run.js';
import type { PluginEntry, PluginLookup } from '../skel/types.js';
import type { PluginOutcome, StderrSink } from './types.js';

const THREAD_NETNS = '/proc/thread-self/ns/net';

export async function runInProcess(entry: PluginEntry, stdin: Buffer, env: Record<string, string>, plugins: PluginLookup | undefined, onStderr?: StderrSink): Promise<PluginOutcome> {
  const stdout: string[] = [];
  const stderr: Buffer[] = [];
  const writeStderr = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    stderr.push(b);
    onStderr?.(b);
  };
  const io: PluginIO = {
    env: { ...env },
    readStdin: () => stdin,
    stdout: (s) => void stdout.push(s),
    stderr: writeStderr,
  };
  const origin = fs.openSync(THREAD_NETNS, 'r');
  let status: number;
  try {
    status = await runPlugin(entry, io, plugins);
  } finally {
    try {
      if (restoreNetns(origin)) writeStderr(`cni: plugin ${entry.name} left this thread in another network namespace; moved back\n`);
    } finally {
      fs.closeSync(origin);
    }
  }
  return { status, signal: null, stdout: Buffer.from(stdout.join(''), 'utf8'), stderr: Buffer.concat(stderr) };
}

/** setns back to `origin` when the thread is elsewhere (synchronously: nothing else may run there); true when it had to. */
function restoreNetns(origin: number): boolean {
  if (fs.statSync(THREAD_NETNS).ino === fs.fstatSync(origin).ino) return false;
  setns(origin, CLONE_NEWNET);
  return true;
}
