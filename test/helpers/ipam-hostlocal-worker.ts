/**
 * Test-only worker: runs host-local ADDs in its own process against a real disk store, for the
 * concurrency and kill-mid-ADD tests. Argument: JSON WorkerJob. Prints one JSON line per ADD.
 * The pause hook lives here, in the worker's injected file system, not in product code.
 */
import * as fs from 'node:fs';
import { createHostLocalPlugin } from '../../src/plugins/ipam/host-local/index.js';
import { DiskStore, type DiskFs } from '../../src/plugins/ipam/host-local/store/disk-store.js';
import { invoke } from './ipam.js';

export interface WorkerJob {
  conf: object;
  containerIds: string[];
  /** Before linking a reservation into place (holding the lock, temp file written): create this file, then sleep. */
  pauseBeforeLink?: { markerFile: string; ms: number };
}

const job = JSON.parse(process.argv[2] ?? '{}') as WorkerJob;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const pausingFs: DiskFs = {
  ...fs,
  linkSync(existing, target) {
    if (job.pauseBeforeLink) {
      fs.writeFileSync(job.pauseBeforeLink.markerFile, String(target));
      sleepSync(job.pauseBeforeLink.ms);
    }
    fs.linkSync(existing, target);
  },
};

const plugin = createHostLocalPlugin({
  openStore: (dir) => new DiskStore(dir, { fs: pausingFs }),
  storeExists: (dir) => fs.existsSync(dir),
});

for (const containerId of job.containerIds) {
  try {
    const r = await invoke(plugin, 'ADD', job.conf, { containerId, ifName: 'eth0' });
    process.stdout.write(`${JSON.stringify({ containerId, address: r?.ips?.[0]?.address })}\n`);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ containerId, error: (err as Error).message })}\n`);
  }
}
