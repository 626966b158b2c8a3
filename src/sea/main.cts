// The single executable's entry. It runs a bundle (SEA asset "plugins.<name>.js" for a plugin
// start: that plugin and the ones it delegates to; "cni.js" with the CLI for anything else) through
// vm.Script with a V8 code cache made at build time by running real plugin work
// (tools/warm-code-cache.ts): one per plugin ("cni.cache.<name>"), one per CLI subcommand that runs
// plugins ("cni.cli-cache.run", "cni.cli-cache.exec"), else the top-level-only "cni.cache", so the
// functions a start executes arrive compiled. Node's own SEA code cache holds only the top-level
// code. A cache V8 rejects (other V8, other flags) only costs the compile it would have saved.
import * as fs from 'node:fs';
import * as vm from 'node:vm';
import * as sea from 'node:sea';
import { WRAPPER_HEAD, WRAPPER_TAIL, SCRIPT_FILENAME } from './wrapper.cjs';

/** The plugin this start will run (symlink name, or `cni <plugin>`): its cache holds its code. */
function invokedPlugin(): string {
  const slash = process.argv0.lastIndexOf('/');
  const name = process.argv0.slice(slash + 1);
  return name === 'cni' ? (process.argv[2] ?? '') : name;
}

/** A view of the executable's own mapped bytes (getRawAsset: no copy), or undefined if there is no such asset. */
function rawAsset(key: string): Buffer | undefined {
  try {
    return Buffer.from(sea.getRawAsset(key));
  } catch {
    return undefined; // no such asset
  }
}

/**
 * VERSION needs only its one line, made at build time from the registry exactly as skel prints it
 * (asset "cni.versions"): printed here, without compiling or running the bundle. podman runs
 * VERSION on every plugin of every network on each command.
 */
function answerVersion(plugin: string): boolean {
  if (process.env.CNI_COMMAND !== 'VERSION') return false;
  const raw = rawAsset('cni.versions');
  const line = raw && (JSON.parse(raw.toString('latin1')) as Record<string, string | undefined>)[plugin];
  if (!line) return false;
  const out = Buffer.from(line, 'latin1');
  for (let off = 0; off < out.length; ) {
    try {
      off += fs.writeSync(1, out, off);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err; // a non-blocking pipe that is full: try again
    }
  }
  return true;
}

const invoked = invokedPlugin();
if (!answerVersion(invoked)) run(invoked);

/** The bundle, with the invoked plugin's code cache. */
function run(name: string): void {
  // A plugin start runs that plugin's own bundle with its cache; anything else the whole one.
  const pluginBundle = rawAsset(`plugins.${name}.js`);
  const pluginCache = pluginBundle && rawAsset(`cni.cache.${name}`);
  // The CLI: the subcommand's own cache where it has one (`cni run`, `cni exec`: they run our
  // plugins in-process), else the top-level floor.
  const cachedData = pluginBundle ? pluginCache : (rawAsset(`cni.cli-cache.${name}`) ?? rawAsset('cni.cache'));
  // The bundles are ASCII (build.ts checks): latin1 decodes them without a TextDecoder.
  const source = WRAPPER_HEAD + (pluginBundle ?? rawAsset('cni.js')!).toString('latin1') + WRAPPER_TAIL;
  const script = new vm.Script(source, { filename: SCRIPT_FILENAME, cachedData });
  const fn = script.runInThisContext() as (exports: object, req: NodeJS.Require, mod: object, filename: string, dirname: string) => void;
  fn(module.exports, require, module, SCRIPT_FILENAME, '.');
}
