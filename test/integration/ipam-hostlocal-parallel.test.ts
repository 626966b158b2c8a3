/**
 * 50 host-local ADDs at once, each its own dist/cni process as runtimes start them: 50 distinct
 * addresses, 50 complete reservation files; then 50 DELs at once leave none.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CniBinDir } from '../helpers/cni.js';
import { runAsync } from '../helpers/spawn.js';


test('50 parallel ADDs get 50 distinct addresses; 50 parallel DELs release them all', async () => {
  const bin = new CniBinDir();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-hl-par-'));
  try {
    const conf = JSON.stringify({ cniVersion: '1.1.0', name: 'par', type: 'host-local', ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: '10.250.0.0/26' }]] } });
    const env = (command: string, i: number) => ({ PATH: process.env.PATH ?? '', CNI_COMMAND: command, CNI_CONTAINERID: `par-${i}`, CNI_NETNS: '/proc/self/ns/net', CNI_IFNAME: 'eth0', CNI_PATH: bin.dir });
    const ids = Array.from({ length: 50 }, (_, i) => i);
    const adds = await Promise.all(ids.map((i) => runAsync(path.join(bin.dir, 'host-local'), env('ADD', i), conf)));
    for (const r of adds) assert.is(r.code, 0, r.stdout + r.stderr);
    const addresses = adds.map((r) => JSON.parse(r.stdout).ips[0].address as string);
    assert.is(new Set(addresses).size, 50, `distinct: ${addresses.sort().join(' ')}`);
    const dir = path.join(dataDir, 'par');
    const files = fs.readdirSync(dir).filter((f) => /^\d/.test(f));
    assert.is(files.length, 50);
    for (const f of files) assert.match(fs.readFileSync(path.join(dir, f), 'utf8'), /^par-\d+\r\neth0$/, `${f} is complete`);
    assert.equal(fs.readdirSync(dir).filter((f) => f.startsWith('.')), [], 'no temp file left');

    const dels = await Promise.all(ids.map((i) => runAsync(path.join(bin.dir, 'host-local'), env('DEL', i), conf)));
    for (const r of dels) assert.is(r.code, 0, r.stdout + r.stderr);
    assert.equal(fs.readdirSync(dir).filter((f) => /^\d/.test(f)), [], 'all released');
  } finally {
    bin.dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test.run();
