/**
 * Measure TCP throughput between two namespaces with socat: a one-shot listener in `to` writes what
 * it receives to /dev/null; a sender in `from` pushes `bytes` zeros. The clock runs from the
 * sender's start to the listener's exit (all bytes received and the connection closed), so data
 * still queued in socket buffers is counted. Bounded by `timeoutMs`.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { TestNetns } from './netns.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface TransferResult {
  bytes: number;
  seconds: number;
  mbitPerSec: number;
}

function listening(ns: TestNetns, port: number): boolean {
  return new RegExp(`:${port}\\b`).test(ns.exec('ss', ['-tln']).stdout);
}

export async function tcpTransfer(from: TestNetns, to: TestNetns, toAddress: string, bytes: number, timeoutMs = 20_000): Promise<TransferResult> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const listener = spawn('ip', ['netns', 'exec', to.name, 'socat', '-u', `TCP4-LISTEN:${port},reuseaddr`, 'OPEN:/dev/null,wronly'], { stdio: 'ignore' });
  const exited = new Promise<number | null>((r) => listener.once('exit', (code) => r(code)));
  try {
    for (let i = 0; i < 100 && !listening(to, port); i++) await sleep(20);
    const start = process.hrtime.bigint();
    const sender = spawnSync('ip', ['netns', 'exec', from.name, 'socat', '-u', `OPEN:/dev/zero,readbytes=${bytes}`, `TCP4:${toAddress}:${port}`], { encoding: 'utf8', timeout: timeoutMs });
    if (sender.status !== 0) throw new Error(`sender failed (${sender.status}): ${sender.stderr}`);
    const code = await Promise.race([exited, sleep(timeoutMs).then(() => 'timeout' as const)]);
    if (code !== 0) throw new Error(`listener did not finish cleanly: ${code}`);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { bytes, seconds, mbitPerSec: (bytes * 8) / seconds / 1e6 };
  } finally {
    if (listener.exitCode === null && listener.signalCode === null) {
      listener.kill();
      await exited;
    }
  }
}
