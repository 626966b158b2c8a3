// The single executable's entry. It runs the real bundle (SEA asset "cni.js") through vm.Script with
// a V8 code cache made at build time by running real plugin work (tools/warm-code-cache.cjs), so
// the functions a plugin start executes arrive compiled. Node's own SEA code cache holds only the
// top-level code. A cache V8 rejects (other V8, other flags) only costs the compile it would save.
import * as vm from 'node:vm';
import * as sea from 'node:sea';
import { WRAPPER_HEAD, WRAPPER_TAIL, SCRIPT_FILENAME } from './wrapper.cjs';

// getRawAsset: a view of the executable's own mapped bytes, no copy (the bundle is ASCII).
const source = WRAPPER_HEAD + Buffer.from(sea.getRawAsset('cni.js')).toString('latin1') + WRAPPER_TAIL;
let cachedData: Buffer | undefined;
try {
  cachedData = Buffer.from(sea.getRawAsset('cni.cache'));
} catch {
  // built without a cache
}
const script = new vm.Script(source, { filename: SCRIPT_FILENAME, cachedData });
const fn = script.runInThisContext() as (exports: object, req: NodeJS.Require, mod: object, filename: string, dirname: string) => void;
fn(module.exports, require, module, SCRIPT_FILENAME, '.');
