/**
 * npm test: typecheck is run by the npm script; this runs the unit then the integration suites
 * with uvu, then the VM lane (tools/vm/run.ts: test/vm in a QEMU guest) when this machine has QEMU
 * and a kernel for it, and prints one closing line "N passed, N failed" over all of them.
 * Arguments pick the lanes: test directories, and `test/vm` for the VM lane.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findVmHost } from '../tools/vm/host.js';
import { uvuTotals } from '../tools/vm/totals.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const uvu = path.join(root, 'node_modules/uvu/bin.js');
const VM_LANE = 'test/vm';
/**
 * The integration suite again with every config a test sends rewritten in the key case Go field
 * names have ("Ipam", "IsGateway", "RuntimeConfig"), as configs written for the reference may be
 * (test/helpers/cni.ts goCase). Only the files whose configs go through that rewrite run in it.
 */
const GO_KEYS_LANE = 'test/integration:go-keys';
const lanes = process.argv.slice(2).length ? process.argv.slice(2) : ['test/unit', 'test/integration', GO_KEYS_LANE, VM_LANE];
// A suite whose setup throws fails with its reason instead of a silent "(0 / N)".
const setupErrors = path.join(root, 'test/runner/setup-errors.cjs');

// The integration tests run dist/cni as a runtime would: build it first on a fresh checkout.
if (lanes.some((d) => d.includes('integration') || path.normalize(d) === VM_LANE) && !fs.existsSync(path.join(root, 'dist/cni'))) {
  process.stdout.write('dist/cni is missing: building it first (npm run build)\n');
  const b = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) {
    process.stdout.write('npm run build failed: the integration tests need dist/cni\n');
    process.exit(1);
  }
}

/** uvu's file pattern for the Go key case lane: the integration files that send configs through the helpers that rewrite them. */
function goKeysFiles(): string {
  const dir = path.join(root, 'test/integration');
  const sendsConfigs = /from '\.\.\/helpers\/(cni|links|portmap-world|firewall-world)\.js'/;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts') && sendsConfigs.test(fs.readFileSync(path.join(dir, f), 'utf8')));
  return `^(${files.map((f) => f.replace(/[.]/g, '\\.')).join('|')})$`;
}

let passed = 0;
let failed = 0;
let crashed = false;

/** The VM lane's output is streamed (it runs for minutes) and its closing line parsed. */
async function runVmLane(): Promise<void> {
  const probe = findVmHost();
  if (!probe.ok) {
    process.stdout.write(`VM lane SKIPPED (its tests were not run and count neither way): ${probe.reason}\n`);
    return;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'tools/vm/run.ts'), '--root', root], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    process.stdout.write(c);
  });
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const m = /^(\d+) passed, (\d+) failed$/.exec(out.trimEnd().split('\n').pop() ?? '');
  if (!m) {
    crashed = true;
    process.stdout.write(`${VM_LANE}: the VM lane did not report totals (exit ${status})\n`);
    return;
  }
  passed += Number(m[1]);
  failed += Number(m[2]);
  if (status !== 0 && Number(m[2]) === 0) crashed = true;
}

for (const dir of lanes) {
  process.stdout.write(`\n== ${dir}\n`);
  if (path.normalize(dir) === VM_LANE) {
    await runVmLane();
    continue;
  }
  const goKeys = dir === GO_KEYS_LANE;
  const uvuArgs = goKeys ? ['test/integration', goKeysFiles()] : [dir];
  const env = { ...process.env, FORCE_COLOR: '0', ...(goKeys ? { CNI_TEST_KEY_CASE: 'go' } : {}) };
  const r = spawnSync(process.execPath, ['--require', setupErrors, uvu, '-r', 'tsx', ...uvuArgs], { cwd: root, encoding: 'utf8', env, maxBuffer: 64 << 20 });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  const t = uvuTotals(r.stdout);
  if (!t) {
    crashed = true;
    process.stdout.write(`${dir}: the runner did not report totals (exit ${r.status})\n`);
    continue;
  }
  passed += t.passed;
  failed += t.failed;
  if (r.status !== 0 && t.failed === 0) crashed = true;
}
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 || crashed || passed === 0 ? 1 : 0;
