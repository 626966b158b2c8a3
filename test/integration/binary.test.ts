/** The executable itself: self-contained, multicall dispatch, CLI, install/uninstall. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CNI_BINARY, requireBinary } from '../helpers/env.js';

requireBinary();

function run(file: string, args: string[], opts: { env?: Record<string, string>; input?: string; cwd?: string } = {}) {
  const r = spawnSync(file, args, { encoding: 'utf8', env: opts.env ?? { PATH: '/usr/bin:/bin' }, input: opts.input ?? '', cwd: opts.cwd, timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cni-bin-test-'));
}

const PLUGIN_NAMES = (JSON.parse(run(CNI_BINARY, ['plugins', '--json']).stdout) as { name: string }[]).map((p) => p.name);

test('runs copied alone into an empty directory under env -i, with no node on PATH', () => {
  const dir = tmpdir();
  try {
    const copy = path.join(dir, 'cni');
    fs.copyFileSync(CNI_BINARY, copy);
    fs.chmodSync(copy, 0o755);
    fs.symlinkSync('cni', path.join(dir, 'loopback'));
    // env -i leaves CNI_COMMAND unset: like the reference skel, it says what it is on stderr.
    const r = spawnSync('env', ['-i', path.join(dir, 'loopback')], { encoding: 'utf8', env: {}, input: '' });
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, '');
    assert.match(r.stderr, /CNI plugin loopback/);
    assert.match(r.stderr, /1\.1\.0/);
    const v = spawnSync('env', ['-i', 'CNI_COMMAND=VERSION', path.join(dir, 'loopback')], { encoding: 'utf8', env: {}, cwd: dir });
    assert.is(v.status, 0, v.stderr);
    assert.equal(JSON.parse(v.stdout).supportedVersions, ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('NODE_OPTIONS has no effect', () => {
  const dir = tmpdir();
  try {
    const marker = path.join(dir, 'ran');
    const evil = path.join(dir, 'evil.cjs');
    fs.writeFileSync(evil, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`);
    const r = run(CNI_BINARY, ['version'], { env: { PATH: '/usr/bin:/bin', NODE_OPTIONS: `--require ${evil}` } });
    assert.is(r.code, 0, r.stderr);
    assert.not.ok(fs.existsSync(marker), 'the --require file must not run');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('cni version and cni plugins', () => {
  const v = run(CNI_BINARY, ['version', '--json']);
  assert.is(v.code, 0, v.stderr);
  const info = JSON.parse(v.stdout);
  assert.equal(info.cniVersions, ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0']);
  assert.ok(info.plugins.includes('loopback'));
  const p = run(CNI_BINARY, ['plugins']);
  assert.is(p.code, 0);
  assert.match(p.stdout, /^loopback\s+main\s+0\.1\.0,/m);
});

test('cni <plugin> runs the plugin', () => {
  const r = run(CNI_BINARY, ['loopback'], { env: { CNI_COMMAND: 'VERSION' } });
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).cniVersion, '1.1.0');
});

test('an unknown name explains itself on stderr and exits non-zero', () => {
  const dir = tmpdir();
  try {
    fs.symlinkSync(CNI_BINARY, path.join(dir, 'frobnicate'));
    const r = run(path.join(dir, 'frobnicate'), [], { env: { CNI_COMMAND: 'VERSION' } });
    assert.is.not(r.code, 0);
    assert.is(r.stdout, '');
    assert.match(r.stderr, /"frobnicate" is not a plugin this binary serves/);
    assert.match(r.stderr, /cni install/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an unknown CLI command fails with usage', () => {
  const r = run(CNI_BINARY, ['frob']);
  assert.is.not(r.code, 0);
  assert.match(r.stderr, /Unknown argument|Unknown command|frob/);
});

test('install is idempotent, never replaces foreign files without --force; uninstall leaves them', () => {
  const dir = path.join(tmpdir(), 'bin');
  try {
    const dry = run(CNI_BINARY, ['install', dir, '--dry-run']);
    assert.is(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /\[dry-run\] create directory/);
    assert.not.ok(fs.existsSync(dir), 'dry run changed nothing');

    const first = run(CNI_BINARY, ['install', dir]);
    assert.is(first.code, 0, first.stderr);
    assert.ok(fs.statSync(path.join(dir, 'cni')).isFile());
    for (const name of PLUGIN_NAMES) assert.is(fs.readlinkSync(path.join(dir, name)), 'cni');
    const installed = run(path.join(dir, 'loopback'), [], { env: { CNI_COMMAND: 'VERSION' } });
    assert.is(installed.code, 0, installed.stderr);

    const second = run(CNI_BINARY, ['install', dir]);
    assert.is(second.code, 0);
    assert.match(second.stdout, /keep .*cni \(identical copy\)/);

    // A foreign plugin binary (say the Go loopback) is not ours.
    fs.rmSync(path.join(dir, 'loopback'));
    fs.writeFileSync(path.join(dir, 'loopback'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const blocked = run(CNI_BINARY, ['install', dir]);
    assert.is.not(blocked.code, 0, 'a skipped file is reported with a non-zero exit');
    assert.match(blocked.stdout, /skip .*loopback: exists and is not our symlink/);
    assert.ok(fs.lstatSync(path.join(dir, 'loopback')).isFile(), 'foreign file untouched');

    const uninstall = run(CNI_BINARY, ['uninstall', dir]);
    assert.ok(fs.lstatSync(path.join(dir, 'loopback')).isFile(), 'uninstall leaves foreign files');
    assert.not.ok(fs.existsSync(path.join(dir, 'cni')));
    assert.match(uninstall.stdout, /remove .*cni/);

    const forced = run(CNI_BINARY, ['install', dir, '--force']);
    assert.is(forced.code, 0, forced.stdout + forced.stderr);
    assert.is(fs.readlinkSync(path.join(dir, 'loopback')), 'cni');
    run(CNI_BINARY, ['uninstall', dir]);
    assert.equal(fs.readdirSync(dir), []);
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

test.run();
