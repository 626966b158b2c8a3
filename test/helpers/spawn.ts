/** Start a process without waiting for it (for tests that run many plugins at once). */
import { spawn } from 'node:child_process';

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runAsync(file: string, env: Record<string, string>, input: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(file, [], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}
