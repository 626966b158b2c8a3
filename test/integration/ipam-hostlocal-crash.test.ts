/**
 * kill -9 in the middle of an ADD, while the worker holds the store lock with its reservation
 * written to a temp file but not yet linked into place: no empty or ownerless reservation may
 * remain, the lock must be free again, the next ADD must proceed, and GC removes the leftover.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { flock, LOCK_EX, LOCK_NB, LOCK_UN } from '../../src/netlink/ffi/libc.js';
import { IpAddress } from '../../src/lib/ip/index.js';
import { plugin } from '../../src/plugins/ipam/host-local/index.js';
import { ROOT } from '../helpers/env.js';
import { invoke, makeTempDir, removeDir } from '../helpers/ipam.js';
import type { WorkerJob } from '../helpers/ipam-hostlocal-worker.js';

const WORKER = path.join(ROOT, 'test/helpers/ipam-hostlocal-worker.ts');

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function lockIsHeld(lockFile: string): boolean {
  const fd = fs.openSync(lockFile, 'r');
  try {
    flock(fd, LOCK_EX | LOCK_NB);
    flock(fd, LOCK_UN);
    return false;
  } catch {
    return true;
  } finally {
    fs.closeSync(fd);
  }
}

test('a worker killed while holding the lock leaves no broken reservation and blocks nobody', async () => {
  const dataDir = makeTempDir();
  let child: ChildProcess | undefined;
  try {
    const name = `crash${process.pid}`;
    const conf = { cniVersion: '1.1.0', name, type: 'bridge', ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: '10.78.0.0/24' }]] } };
    const dir = path.join(dataDir, name);
    const marker = path.join(dataDir, 'paused');
    const job: WorkerJob = { conf, containerIds: ['victim'], pauseBeforeLink: { markerFile: marker, ms: 60_000 } };
    const proc = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(job)], { cwd: ROOT, stdio: 'ignore' });
    child = proc;
    const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
    await waitFor(() => fs.existsSync(marker), 20_000, 'the worker to pause inside the lock');

    assert.ok(lockIsHeld(path.join(dir, 'lock')), 'the worker holds the lock while paused');
    assert.is(fs.readFileSync(marker, 'utf8'), path.join(dir, '10.78.0.2'), 'paused just before linking 10.78.0.2');
    proc.kill('SIGKILL');
    assert.is(await exited, 'SIGKILL');
    child = undefined;

    const files = fs.readdirSync(dir);
    for (const f of files.filter((n) => IpAddress.tryParse(n))) {
      const content = fs.readFileSync(path.join(dir, f), 'utf8');
      assert.match(content, /^[^\r\n]+\r\n[^\r\n]+$/, `reservation ${f} is complete`);
    }
    assert.not.ok(files.includes('10.78.0.2'), 'the interrupted reservation does not exist');
    const leftovers = files.filter((n) => n.startsWith('.tmp.'));
    assert.is(leftovers.length, 1, 'one leftover temp file');
    assert.is(fs.readFileSync(path.join(dir, leftovers[0]!), 'utf8'), 'victim\r\neth0');
    assert.not.ok(lockIsHeld(path.join(dir, 'lock')), 'the kernel released the lock with the process');

    // The next ADD proceeds (and gets the address the victim never got), DEL of the victim is harmless.
    const r = await invoke(plugin, 'ADD', conf, { containerId: 'next', ifName: 'eth0' });
    assert.is(r!.ips![0]!.address, '10.78.0.2/24');
    await invoke(plugin, 'DEL', conf, { containerId: 'victim', ifName: 'eth0' });
    assert.is(fs.readFileSync(path.join(dir, '10.78.0.2'), 'utf8'), 'next\r\neth0');

    // GC removes the leftover and keeps the live reservation and bookkeeping files.
    await invoke(plugin, 'GC', { ...conf, 'cni.dev/valid-attachments': [{ containerID: 'next', ifname: 'eth0' }] });
    assert.equal(fs.readdirSync(dir).sort(), ['10.78.0.2', 'last_reserved_ip.0', 'lock']);
  } finally {
    child?.kill('SIGKILL');
    removeDir(dataDir);
  }
});

test.run();
