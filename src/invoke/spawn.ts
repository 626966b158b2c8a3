/**
 * Running a plugin binary as a child process: no arguments, the request on stdin, stdout and
 * stderr collected (stderr also handed to a sink as it arrives). Rejects only when the process
 * could not be started (ENOENT, ETXTBSY, ...); a failing plugin resolves with its outcome.
 */
import { childProcess } from '../lib/builtin.js';
import type { PluginOutcome, StderrSink } from './types.js';

export function spawnPlugin(file: string, stdin: Buffer, env: Record<string, string>, onStderr?: StderrSink): Promise<PluginOutcome> {
  // Loaded only here: node:child_process pulls in streams and net (~4 ms), and the in-process
  // path, the common one for our own plugins, never needs it.
  const { spawn } = childProcess();
  return new Promise((resolve, reject) => {
    const child = spawn(file, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => {
      stderr.push(b);
      onStderr?.(b);
    });
    // A plugin may exit without reading its stdin: the EPIPE that follows is not our failure.
    child.stdin.on('error', () => {});
    child.once('error', reject);
    child.once('close', (status, signal) => resolve({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), status, signal }));
    child.stdin.end(stdin);
  });
}
