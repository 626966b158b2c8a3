/**
 * The VM test lane: boots Debian's kernel under QEMU with this machine's root shared read-only,
 * runs test files (test/vm/ by default) with uvu inside the guest against a project root's
 * dist/cni, and prints the totals as test/run.ts does ("N passed, N failed"). Exits non-zero on a
 * failure, a guest crash or a timeout.
 *
 *   node --import tsx tools/vm/run.ts [--root DIR] [--timeout SECONDS] [--kernel FILE] [--keep] [FILE ...]
 *
 * FILE paths are relative to the root (default: this checkout). Everything the guest writes
 * outside its tmpfs goes to a temporary share directory, removed afterwards unless --keep.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { findVmHost } from './host.js';
import { buildInitramfs } from './initramfs.js';
import { guestScript, type UvuRun } from './guest-script.js';
import { boot, kvmUsable } from './qemu.js';
import { uvuTotals, type Totals } from './totals.js';

interface Options {
  root: string;
  files: string[];
  timeoutS: number;
  kernel?: string;
  keep: boolean;
}

const HERE = path.dirname(new URL(import.meta.url).pathname);
const DEFAULT_DIR = 'test/vm';

function usage(msg: string): never {
  process.stderr.write(`vm: ${msg}\nusage: node --import tsx tools/vm/run.ts [--root DIR] [--timeout SECONDS] [--kernel FILE] [--keep] [FILE ...]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { root: path.resolve(HERE, '../..'), files: [], timeoutS: Number(process.env.CNI_VM_TIMEOUT ?? 1200), keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--root') o.root = path.resolve(value());
    else if (a === '--timeout') o.timeoutS = Number(value());
    else if (a === '--kernel') o.kernel = value();
    else if (a === '--keep') o.keep = true;
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (!(o.timeoutS > 0)) usage('--timeout must be a positive number of seconds');
  return o;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One uvu invocation per directory holding requested files; the whole test/vm when none. */
function planRuns(root: string, files: string[]): UvuRun[] {
  if (!files.length) {
    if (!fs.existsSync(path.join(root, DEFAULT_DIR))) usage(`${root} has no ${DEFAULT_DIR}`);
    return [{ dir: DEFAULT_DIR, pattern: '\\.test\\.[cm]?[jt]s$' }];
  }
  const byDir = new Map<string, string[]>();
  for (const f of files) {
    const abs = path.resolve(root, f);
    if (!fs.existsSync(abs)) usage(`${f}: no such file under ${root}`);
    const rel = path.relative(root, abs);
    if (rel.startsWith('..')) usage(`${f} is outside the root ${root}`);
    const dir = path.dirname(rel);
    byDir.set(dir, [...(byDir.get(dir) ?? []), path.basename(rel)]);
  }
  return [...byDir].map(([dir, names]) => ({ dir, pattern: `^(?:${names.map(escapeRegex).join('|')})$` }));
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  const probe = findVmHost({ kernel: o.kernel });
  if (!probe.ok) {
    process.stdout.write(`vm: cannot run the VM lane: ${probe.reason}\n`);
    return 1;
  }
  if (process.getuid?.() !== 0) usage('the VM lane runs its tests as root inside the guest and must be started as root');
  const binary = path.join(o.root, 'dist/cni');
  if (!fs.existsSync(binary)) usage(`${binary} is missing: run \`npm run build\` in ${o.root} first`);
  if (!fs.existsSync(path.join(o.root, 'node_modules/uvu/bin.js'))) usage(`${o.root}/node_modules has no uvu`);
  const runs = planRuns(o.root, o.files);

  const started = Date.now();
  const share = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-vm-'));
  try {
    const initrd = path.join(share, 'initrd.gz');
    fs.writeFileSync(initrd, buildInitramfs(probe.host));
    fs.writeFileSync(path.join(share, 'guest.sh'), guestScript(o.root, runs), { mode: 0o755 });
    process.stdout.write(`vm: booting ${probe.host.kernel} under ${kvmUsable() ? 'KVM (else TCG)' : 'TCG emulation'} (root ${o.root}; ${runs.map((r) => `${r.dir} ${r.pattern}`).join(', ')})\n`);
    // A decoder, so that a character split between two chunks of console output stays whole.
    const decoder = new StringDecoder('utf8');
    const onConsole = (c: Buffer) => process.stdout.write(decoder.write(c).replace(/\r\n/g, '\n'));
    const outcome = await boot({ host: probe.host, initrd, shareDir: share, timeoutMs: o.timeoutS * 1000, onConsole });

    const totals: Totals = { passed: 0, failed: 0 };
    let broken = false;
    runs.forEach((r, i) => {
      const status = readOr(path.join(share, `status-${i}`));
      const t = uvuTotals(readOr(path.join(share, `uvu-${i}.log`)) ?? '');
      if (status === undefined || !t) {
        broken = true;
        process.stdout.write(`vm: ${r.dir}: no results from the guest\n`);
        if (t) add(totals, t);
        return;
      }
      add(totals, t);
      if (Number(status) !== 0 && t.failed === 0) broken = true;
    });
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (outcome.timedOut) process.stdout.write(`vm: timed out after ${o.timeoutS} s; QEMU killed\n`);
    else if (broken) process.stdout.write(`vm: the guest stopped before reporting (QEMU exit ${outcome.exitCode ?? outcome.signal})\n`);
    process.stdout.write(`vm: lane took ${secs} s\n\n${totals.passed} passed, ${totals.failed} failed\n`);
    return totals.failed > 0 || broken || outcome.timedOut || totals.passed === 0 ? 1 : 0;
  } finally {
    if (o.keep) process.stdout.write(`vm: share kept in ${share}\n`);
    else fs.rmSync(share, { recursive: true, force: true });
  }
}

function readOr(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function add(into: Totals, t: Totals): void {
  into.passed += t.passed;
  into.failed += t.failed;
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    process.stderr.write(`vm: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
