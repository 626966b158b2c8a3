/**
 * npm test: typecheck is run by the npm script; this runs the unit then the integration suites
 * with uvu and prints one closing line "N passed, N failed" over both.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const uvu = path.join(root, 'node_modules/uvu/bin.js');
// A suite whose setup throws fails with its reason instead of a silent "(0 / N)".
const setupErrors = path.join(root, 'test/runner/setup-errors.cjs');
const dirs = process.argv.slice(2).length ? process.argv.slice(2) : ['test/unit', 'test/integration'];

// The integration tests run dist/cni as a runtime would: build it first on a fresh checkout.
if (dirs.some((d) => d.includes('integration')) && !fs.existsSync(path.join(root, 'dist/cni'))) {
  process.stdout.write('dist/cni is missing: building it first (npm run build)\n');
  const b = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) {
    process.stdout.write('npm run build failed: the integration tests need dist/cni\n');
    process.exit(1);
  }
}

let passed = 0;
let failed = 0;
let crashed = false;
for (const dir of dirs) {
  process.stdout.write(`\n== ${dir}\n`);
  const r = spawnSync(process.execPath, ['--require', setupErrors, uvu, '-r', 'tsx', dir], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, maxBuffer: 64 << 20 });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  const total = Number(/Total:\s+(\d+)/.exec(r.stdout)?.[1] ?? NaN);
  const ok = Number(/Passed:\s+(\d+)/.exec(r.stdout)?.[1] ?? NaN);
  if (Number.isNaN(total) || Number.isNaN(ok)) {
    crashed = true;
    process.stdout.write(`${dir}: the runner did not report totals (exit ${r.status})\n`);
    continue;
  }
  passed += ok;
  failed += total - ok;
  if (r.status !== 0 && total === ok) crashed = true;
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 || crashed || passed === 0 ? 1 : 0;
