/**
 * The embedded koffi native module: written once to a content-addressed file and dlopen'ed;
 * safe when many plugin processes start at once, and a noexec directory is skipped.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CniBinDir } from '../helpers/cni.js';
import { runAsync } from '../helpers/spawn.js';
import { makeNetns } from '../helpers/netns.js';
import { sh, shOk } from '../helpers/sh.js';


test('20 first starts at once share one native file and all succeed', async () => {
  const bin = new CniBinDir();
  const ns = makeNetns('cnin');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-native-'));
  try {
    const env = { PATH: process.env.PATH ?? '', CNI_NATIVE_DIR: dir, CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'n', CNI_NETNS: ns.path, CNI_IFNAME: 'eth0', CNI_PATH: bin.dir };
    const conf = JSON.stringify({ cniVersion: '1.1.0', name: 'native', type: 'loopback' });
    const runs = await Promise.all(Array.from({ length: 20 }, () => runAsync(path.join(bin.dir, 'loopback'), env, conf)));
    for (const r of runs) assert.is(r.code, 0, r.stdout + r.stderr);
    const files = fs.readdirSync(dir);
    assert.is(files.length, 1, `exactly one native file, no temp leftovers: ${files}`);
    assert.match(files[0]!, /^koffi-[0-9a-f]{16}\.node$/);
  } finally {
    ns.remove();
    bin.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a noexec directory is skipped for the next candidate', async () => {
  const bin = new CniBinDir();
  const ns = makeNetns('cnin');
  const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-noexec-'));
  shOk('mount', ['-t', 'tmpfs', '-o', 'noexec,size=8m,mode=0700', 'cni-noexec-test', mnt]);
  try {
    const env = { PATH: process.env.PATH ?? '', CNI_NATIVE_DIR: mnt, CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'n', CNI_NETNS: ns.path, CNI_IFNAME: 'eth0', CNI_PATH: bin.dir };
    const r = await runAsync(path.join(bin.dir, 'loopback'), env, JSON.stringify({ cniVersion: '1.1.0', name: 'native', type: 'loopback' }));
    assert.is(r.code, 0, r.stdout + r.stderr);
    assert.is(JSON.parse(r.stdout).interfaces[0].name, 'lo');
    // The file was written there, and loading it from there is impossible: the plugin worked only
    // because it moved on to the next candidate directory.
    const [written] = fs.readdirSync(mnt).filter((f) => f.endsWith('.node'));
    assert.ok(written, 'the native file was written to the noexec directory first');
    assert.throws(() => process.dlopen({ exports: {} }, path.join(mnt, written!)), /failed to map segment|Permission denied|operation not permitted/i);
  } finally {
    ns.remove();
    bin.dispose();
    sh('umount', ['-l', mnt]); // lazy: the failed dlopen above may still pin the mount briefly
    fs.rmSync(mnt, { recursive: true, force: true });
  }
});

test('a native file someone else could have written is never loaded (group/other-writable directory)', async () => {
  const bin = new CniBinDir();
  const ns = makeNetns('cnin');
  const planted = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-planted-'));
  try {
    // First learn the content-addressed name, from a start with a private directory of our own.
    const own = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-own-'));
    const env = (dir: string) => ({ PATH: process.env.PATH ?? '', CNI_NATIVE_DIR: dir, CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'n', CNI_NETNS: ns.path, CNI_IFNAME: 'eth0', CNI_PATH: bin.dir });
    const conf = JSON.stringify({ cniVersion: '1.1.0', name: 'native', type: 'loopback' });
    assert.is((await runAsync(path.join(bin.dir, 'loopback'), env(own), conf)).code, 0);
    const [name] = fs.readdirSync(own);
    fs.rmSync(own, { recursive: true, force: true });
    // A world-writable directory holding a "native module" under that name.
    fs.chmodSync(planted, 0o777);
    fs.writeFileSync(path.join(planted, name!), 'not a shared object', { mode: 0o755 });
    const trace = path.join(planted, '..', `${path.basename(planted)}.strace`);
    const r = sh('strace', ['-f', '-e', 'trace=openat', '-o', trace, path.join(bin.dir, 'loopback')], { env: env(planted), input: conf });
    try {
      assert.is(r.code, 0, r.stdout + r.stderr);
      assert.not.match(fs.readFileSync(trace, 'utf8'), `${planted}/${name}`, 'the planted file was never opened');
    } finally {
      fs.rmSync(trace, { force: true });
    }
  } finally {
    ns.remove();
    bin.dispose();
    fs.rmSync(planted, { recursive: true, force: true });
  }
});

test.run();
