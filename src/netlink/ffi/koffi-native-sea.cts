// Stands in for the 'koffi' package inside the single executable (build.ts aliases it): the
// native module is koffi's whole API; the package's JS wrapper adds only deprecation shims.
// The native koffi.node travels as a SEA asset; a shared object can only be dlopen'ed from a real
// file, so it is written once to a content-addressed path and loaded from there. The hash is
// computed at build time (hashing at run time costs ~10 ms). Writes go to a temp name then rename,
// so parallel plugin starts never see a half-written file. A directory on a noexec mount makes
// dlopen fail, so several places are tried in turn. A plugin runs as root: a directory or file that
// someone else could have written (not ours, or group/other-writable, e.g. planted under /tmp) is
// never loaded from; the next place is tried.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';

declare const __KOFFI_NATIVE_HASH__: string;
declare const __KOFFI_VERSION__: string;

function candidateDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.CNI_NATIVE_DIR) dirs.push(process.env.CNI_NATIVE_DIR);
  dirs.push('/var/lib/cni/native', '/run/cni/native', path.join(path.dirname(process.execPath), '.cni-native'), path.join(os.tmpdir(), `cni-native-${process.getuid?.() ?? 0}`));
  return dirs;
}

/** Throws unless `p` is ours (owned by this uid, not writable by group or others) and of that kind. */
function assertOurs(p: string, kind: 'dir' | 'file'): void {
  const st = fs.lstatSync(p);
  const isKind = kind === 'dir' ? st.isDirectory() : st.isFile();
  if (!isKind || st.uid !== (process.getuid?.() ?? 0) || (st.mode & 0o022) !== 0) {
    throw new Error(`${p} is not a ${kind} owned by us and writable only by us`);
  }
}

function ensureFile(dir: string, name: string, bytes: () => Uint8Array): string {
  const file = path.join(dir, name);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  assertOurs(dir, 'dir');
  if (fs.existsSync(file)) {
    assertOurs(file, 'file');
    return file;
  }
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, bytes(), { mode: 0o500 });
  fs.renameSync(tmp, file);
  return file;
}

function load(): unknown {
  const sea = require('node:sea') as typeof import('node:sea');
  // Outside the executable only the build's code-cache warm-up runs this bundle, with the
  // package's own native file; the executable itself never reads this variable.
  if (!sea.isSea()) {
    const mod = { exports: {} as unknown };
    process.dlopen(mod, process.env.CNI_WARMUP_KOFFI_NATIVE ?? '');
    return mod.exports;
  }
  const name = `koffi-${__KOFFI_NATIVE_HASH__}.node`;
  let data: Uint8Array | undefined;
  const bytes = () => (data ??= new Uint8Array(sea.getAsset('koffi.node')));
  const errors: string[] = [];
  for (const dir of candidateDirs()) {
    try {
      const file = ensureFile(dir, name, bytes);
      const mod = { exports: {} as unknown };
      process.dlopen(mod, file);
      const version = (mod.exports as { version?: string }).version;
      if (version !== __KOFFI_VERSION__) throw new Error(`koffi native module is ${version}, expected ${__KOFFI_VERSION__}`);
      return mod.exports;
    } catch (err) {
      errors.push(`${dir}: ${(err as Error).message}`);
    }
  }
  throw new Error(`cannot load the embedded koffi native module (set CNI_NATIVE_DIR to a writable, exec-mounted directory): ${errors.join('; ')}`);
}

module.exports = load();
