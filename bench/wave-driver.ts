/**
 * One pod wave, run in a process of its own so that its resource accounting holds only the plugin
 * processes of this wave: N containers ADDed at once through the runtime library (src/runtime), then
 * DELed at once. getrusage(RUSAGE_CHILDREN) before and after each wave gives the CPU (user+sys) of
 * every plugin process the wave started, delegates included. Prints one JSON line (WaveResult).
 *
 * Arguments: one JSON object (WaveJob) in argv[2]. Every plugin runs in the scratch host netns
 * `hostNs` (forked while this thread is in it); the containers are fresh namespaces made here.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CNIConfig, RawExec, networkConfFromBytes, runProcess, type ProcessOutcome, type RunProcess } from '../src/runtime/index.js';
import { createNamedNetns, deleteNamedNetns, withNetns } from '../src/lib/ns/index.js';
import { getrusage, RUSAGE_CHILDREN, type ResourceUsage } from '../src/netlink/ffi/libc.js';

export interface WaveJob {
  /** Plugin directory (ours, or the Go reference's). */
  dir: string;
  n: number;
  hostNs: string;
  /** Unique per job: names the bridge, the network, the container namespaces. */
  tag: string;
  subnet: string;
  dataDir: string;
  cacheDir: string;
}

export interface WaveResult {
  addMs: number;
  delMs: number;
  /** user+sys of the wave's plugin processes, ms. */
  addCpuMs: number;
  delCpuMs: number;
  minorFaults: number;
  /** Processes whose ADD or DEL failed (must be 0). */
  failures: string[];
}

/** Run each plugin process in `nsPath`: the child inherits the netns of the thread that forks it. */
export function spawnIn(nsPath: string, run: RunProcess = runProcess): RunProcess {
  return (file, stdin, env) => {
    let started: Promise<ProcessOutcome> | undefined;
    withNetns(nsPath, () => {
      started = run(file, stdin, env);
    });
    return started!;
  };
}

/** The chain of the wave: bridge with host-local, then loopback (what a pod network typically is). */
export function waveConfList(tag: string, subnet: string, dataDir: string): object {
  return {
    cniVersion: '1.0.0', // the Debian reference speaks up to 1.0.0: both sides get the same
    name: `wave-${tag}`,
    plugins: [
      { type: 'bridge', bridge: `cw${tag}`, isGateway: true, ipam: { type: 'host-local', dataDir, ranges: [[{ subnet }]] } },
      { type: 'loopback' },
    ],
  };
}

const cpu = (u: ResourceUsage) => u.userMs + u.sysMs;

async function runWave(job: WaveJob): Promise<WaveResult> {
  const list = networkConfFromBytes(Buffer.from(JSON.stringify(waveConfList(job.tag, job.subnet, job.dataDir))));
  const cni = new CNIConfig({ path: [job.dir], cacheDir: job.cacheDir, exec: new RawExec({ stderr: null, run: spawnIn(job.hostNs) }) });
  const names = Array.from({ length: job.n }, (_, i) => `cw-${job.tag}-${i}`);
  const failures: string[] = [];
  const containers = names.map((name) => ({ name, rt: { containerId: name, netns: createNamedNetns(name), ifName: 'eth0' } }));
  try {
    const wave = async (op: 'add' | 'del') => {
      const before = getrusage(RUSAGE_CHILDREN);
      const t0 = performance.now();
      await Promise.all(
        containers.map(({ name, rt }) =>
          (op === 'add' ? cni.addNetworkList(list, rt) : cni.delNetworkList(list, rt)).catch((err: Error) => void failures.push(`${op} ${name}: ${err.message}`)),
        ),
      );
      const ms = performance.now() - t0;
      const after = getrusage(RUSAGE_CHILDREN);
      return { ms, cpuMs: cpu(after) - cpu(before), faults: after.minorFaults - before.minorFaults };
    };
    const add = await wave('add');
    const del = await wave('del');
    return { addMs: add.ms, delMs: del.ms, addCpuMs: add.cpuMs, delCpuMs: del.cpuMs, minorFaults: add.faults + del.faults, failures };
  } finally {
    for (const { name } of containers) deleteNamedNetns(name);
  }
}

/** Peak RSS, CPU and page faults of each plugin process: K chain ADD+DEL one after another, each plugin run under GNU time. */
async function profileProcesses(job: WaveJob, rounds: number): Promise<ProcessProfile> {
  const list = networkConfFromBytes(Buffer.from(JSON.stringify(waveConfList(job.tag, job.subnet, job.dataDir))));
  const samples: ProcessSample[] = [];
  const cni = new CNIConfig({ path: [job.dir], cacheDir: job.cacheDir, exec: new RawExec({ stderr: null, run: spawnIn(job.hostNs, timed(samples)) }) });
  const name = `cw-${job.tag}-p`;
  const rt = { containerId: name, netns: createNamedNetns(name), ifName: 'eth0' };
  try {
    for (let i = 0; i < rounds; i++) {
      await cni.addNetworkList(list, rt);
      await cni.delNetworkList(list, rt);
    }
  } finally {
    deleteNamedNetns(name);
  }
  return { samples };
}

export interface ProcessSample {
  plugin: string;
  command: string;
  maxRssKb: number;
  cpuMs: number;
  minorFaults: number;
}
export interface ProcessProfile {
  samples: ProcessSample[];
}

export const GNU_TIME = '/usr/bin/time';

/** Runs the plugin under GNU time, which reports the exact rusage of its one child (wait4). */
function timed(samples: ProcessSample[]): RunProcess {
  return (file, stdin, env) => {
    const out = path.join(os.tmpdir(), `cni-wave-time-${process.pid}-${samples.length}-${Math.random().toString(36).slice(2)}`);
    return new Promise((resolve, reject) => {
      const child = spawn(GNU_TIME, ['-f', '%M %U %S %R', '-o', out, file], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => stdout.push(b));
      child.stderr.on('data', (b: Buffer) => stderr.push(b));
      child.stdin.on('error', () => {});
      child.once('error', reject);
      child.once('close', (status, signal) => {
        try {
          const [rss, user, sys, faults] = fs.readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
          samples.push({ plugin: path.basename(file), command: env.CNI_COMMAND ?? '', maxRssKb: rss!, cpuMs: (user! + sys!) * 1000, minorFaults: faults! });
        } finally {
          fs.rmSync(out, { force: true });
        }
        resolve({ stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), status, signal });
      });
      child.stdin.end(stdin);
    });
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const job = JSON.parse(process.argv[2]!) as WaveJob & { profile?: number };
  (job.profile ? profileProcesses(job, job.profile) : runWave(job)).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (err: unknown) => {
      process.stderr.write(`wave failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
