/**
 * The test command itself: a suite whose setup throws fails with its reason (uvu alone prints a
 * silent "(0 / N)"), and `.ci/run --deps-only` (run first by `npm test`) names what is missing.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../helpers/env.js';

test('a suite whose before hook throws fails and prints the reason', () => {
  // Inside the repository, so the probe file resolves 'uvu' as the real tests do.
  const dir = fs.mkdtempSync(path.join(ROOT, 'test', '.runner-probe-'));
  try {
    fs.writeFileSync(
      path.join(dir, 'setup.test.ts'),
      "import { suite } from 'uvu';\nconst t = suite('s');\nt.before(() => { throw new Error('socat is not installed'); });\nt('a', () => {});\nt.run();\n",
    );
    const r = spawnSync(process.execPath, ['--require', path.join(ROOT, 'test/runner/setup-errors.cjs'), path.join(ROOT, 'node_modules/uvu/bin.js'), '-r', 'tsx', dir], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
    assert.is(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout, 'suite setup (before hook) failed: socat is not installed');
    assert.match(r.stdout, /Passed:\s+0/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('.ci/run --deps-only: one line naming the missing packages and the command that installs them', () => {
  // As nobody, with a PATH holding only the shell tools the script uses (no socat, podman, ...):
  // nothing is installed, the line says what to do.
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'deps-path-'));
  fs.chmodSync(bin, 0o755);
  for (const tool of ['dirname', 'grep', 'sort', 'id', 'dpkg-query']) fs.symlinkSync(`/usr/bin/${tool}`, path.join(bin, tool));
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', `PATH=${bin}`, '/bin/bash', path.join(ROOT, '.ci/run'), '--deps-only'], { encoding: 'utf8' });
  fs.rmSync(bin, { recursive: true, force: true });
  assert.is(r.status, 1);
  const lines = r.stderr.trim().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^missing test dependencies: .*\bsocat\b.*; install them with: sudo apt-get install -y --no-install-recommends /);
  // As root on this (CI-provisioned) machine: nothing missing, nothing printed.
  const ok = spawnSync('/bin/bash', [path.join(ROOT, '.ci/run'), '--deps-only'], { encoding: 'utf8' });
  assert.is(ok.status, 0, ok.stderr);
  assert.is(ok.stderr, '');
});

test.run();
