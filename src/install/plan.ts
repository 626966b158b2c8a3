/**
 * `cni install` / `cni uninstall` as a plan of actions computed from what is on disk, then applied.
 * Planning is pure reads, so --dry-run prints exactly what a real run would do.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const BINARY_NAME = 'cni';

export type Action =
  | { op: 'mkdir'; path: string }
  | { op: 'copy'; from: string; to: string }
  | { op: 'link-binary'; from: string; to: string }
  | { op: 'symlink'; path: string; target: string; replace: boolean }
  | { op: 'remove'; path: string }
  | { op: 'keep'; path: string; why: string }
  | { op: 'skip'; path: string; why: string };

export interface InstallOptions {
  dir: string;
  /** The running executable. */
  self: string;
  plugins: readonly string[];
  /** Symlink DIR/cni to the running executable instead of copying it. */
  link?: boolean;
  force?: boolean;
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

function realpath(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

/** A symlink is ours when it resolves to DIR/cni (or is the relative link `cni` itself). */
export function isOurSymlink(file: string, dir: string): boolean {
  const st = lstat(file);
  if (!st?.isSymbolicLink()) return false;
  const target = fs.readlinkSync(file);
  if (target === BINARY_NAME) return true;
  const binary = realpath(path.join(dir, BINARY_NAME));
  return binary !== undefined && realpath(file) === binary;
}

function sameFile(a: string, b: string): boolean {
  const ra = realpath(a);
  return ra !== undefined && ra === realpath(b);
}

function sameContent(a: string, b: string): boolean {
  const sa = fs.statSync(a);
  const sb = fs.statSync(b);
  if (sa.size !== sb.size) return false;
  return fs.readFileSync(a).equals(fs.readFileSync(b));
}

export function planInstall(o: InstallOptions): Action[] {
  const actions: Action[] = [];
  const dir = path.resolve(o.dir);
  const binary = path.join(dir, BINARY_NAME);
  if (!lstat(dir)) actions.push({ op: 'mkdir', path: dir });

  const existing = lstat(binary);
  if (existing && sameFile(binary, o.self)) {
    actions.push({ op: 'keep', path: binary, why: 'already this executable' });
  } else if (existing && !existing.isSymbolicLink() && !o.link && existing.isFile() && sameContent(binary, o.self)) {
    actions.push({ op: 'keep', path: binary, why: 'identical copy' });
  } else if (o.link) {
    actions.push({ op: 'link-binary', from: o.self, to: binary });
  } else {
    actions.push({ op: 'copy', from: o.self, to: binary });
  }

  for (const name of o.plugins) {
    const file = path.join(dir, name);
    const st = lstat(file);
    if (!st) actions.push({ op: 'symlink', path: file, target: BINARY_NAME, replace: false });
    else if (st.isSymbolicLink() && fs.readlinkSync(file) === BINARY_NAME) actions.push({ op: 'keep', path: file, why: 'already linked' });
    else if (isOurSymlink(file, dir) || o.force) actions.push({ op: 'symlink', path: file, target: BINARY_NAME, replace: true });
    else actions.push({ op: 'skip', path: file, why: 'exists and is not our symlink (use --force to replace it)' });
  }
  return actions;
}

export function planUninstall(o: Pick<InstallOptions, 'dir' | 'plugins'>): Action[] {
  const dir = path.resolve(o.dir);
  const actions: Action[] = [];
  for (const name of o.plugins) {
    const file = path.join(dir, name);
    if (!lstat(file)) continue;
    if (isOurSymlink(file, dir)) actions.push({ op: 'remove', path: file });
    else actions.push({ op: 'skip', path: file, why: 'not our symlink' });
  }
  const binary = path.join(dir, BINARY_NAME);
  if (lstat(binary)) actions.push({ op: 'remove', path: binary });
  return actions;
}

/** Apply a plan. The binary is copied to a temporary name and renamed, so a running copy is never torn. */
export function applyPlan(actions: readonly Action[]): void {
  for (const a of actions) {
    switch (a.op) {
      case 'mkdir':
        fs.mkdirSync(a.path, { recursive: true, mode: 0o755 });
        break;
      case 'copy': {
        const tmp = `${a.to}.tmp-${process.pid}`;
        fs.copyFileSync(a.from, tmp);
        fs.chmodSync(tmp, 0o755);
        fs.renameSync(tmp, a.to);
        break;
      }
      case 'link-binary':
      case 'symlink': {
        const link = a.op === 'symlink' ? a.path : a.to;
        const target = a.op === 'symlink' ? a.target : a.from;
        const tmp = `${link}.tmp-${process.pid}`;
        fs.rmSync(tmp, { force: true });
        fs.symlinkSync(target, tmp);
        fs.renameSync(tmp, link);
        break;
      }
      case 'remove':
        fs.rmSync(a.path, { force: true });
        break;
      case 'keep':
      case 'skip':
        break;
    }
  }
}

export function describeAction(a: Action): string {
  switch (a.op) {
    case 'mkdir':
      return `create directory ${a.path}`;
    case 'copy':
      return `copy ${a.from} -> ${a.to}`;
    case 'link-binary':
      return `link ${a.to} -> ${a.from}`;
    case 'symlink':
      return `${a.replace ? 'replace' : 'link'} ${a.path} -> ${a.target}`;
    case 'remove':
      return `remove ${a.path}`;
    case 'keep':
      return `keep ${a.path} (${a.why})`;
    case 'skip':
      return `skip ${a.path}: ${a.why}`;
  }
}
