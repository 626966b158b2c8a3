/**
 * A private CNI_PATH for `cni run` when the caller gives none: one symlink per plugin to this
 * executable, so the embedded default network works on a machine where nothing is installed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PLUGINS } from '../plugins/registry.js';

export interface PluginDir extends Disposable {
  dir: string;
}

export function makePrivatePluginDir(executable: string): PluginDir {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-run-bin-'));
  for (const p of PLUGINS) fs.symlinkSync(executable, path.join(dir, p.name));
  return { dir, [Symbol.dispose]: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
