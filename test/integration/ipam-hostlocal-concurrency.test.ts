/**
 * 50 ADDs from 10 separate processes racing on one store: 50 distinct addresses, 50 complete
 * reservation files, no temp files left. (Each process runs 5 ADDs, each taking the flock anew.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../helpers/env.js';
import { makeTempDir, removeDir } from '../helpers/ipam.js';
import type { WorkerJob } from '../helpers/ipam-hostlocal-worker.js';

const WORKER = path.join(ROOT, 'test/helpers/ipam-hostlocal-worker.ts');

function runWorker(job: WorkerJob): Promise<{ code: number | null; lines: { containerId: string; address?: string; error?: string }[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(job)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr: err, lines: out.split('\n').filter(Boolean).map((l) => JSON.parse(l)) }));
  });
}

test('50 concurrent ADDs from 10 processes get 50 distinct addresses', async () => {
  const dataDir = makeTempDir();
  try {
    const conf = { cniVersion: '1.1.0', name: `conc${process.pid}`, type: 'bridge', ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: '10.77.0.0/24' }]] } };
    const jobs = Array.from({ length: 10 }, (_, w) => ({ conf, containerIds: Array.from({ length: 5 }, (_, i) => `w${w}-c${i}`) }));
    const runs = await Promise.all(jobs.map(runWorker));
    for (const r of runs) assert.is(r.code, 0, r.stderr);
    const lines = runs.flatMap((r) => r.lines);
    assert.is(lines.length, 50);
    assert.equal(lines.filter((l) => l.error), []);
    const addresses = lines.map((l) => l.address!);
    assert.is(new Set(addresses).size, 50, 'distinct addresses');

    const dir = path.join(dataDir, conf.name);
    const files = fs.readdirSync(dir);
    const reservations = files.filter((f) => f.startsWith('10.77.0.'));
    assert.is(reservations.length, 50);
    assert.equal(files.filter((f) => f.startsWith('.tmp.')), [], 'no temp files left');
    for (const l of lines) {
      const ip = l.address!.split('/')[0]!;
      assert.is(fs.readFileSync(path.join(dir, ip), 'utf8'), `${l.containerId}\r\neth0`);
    }
  } finally {
    removeDir(dataDir);
  }
});

test.run();
