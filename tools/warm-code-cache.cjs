// Build-time code cache warm-up (run by build.ts with the SEA base Node, no flags, as root).
// Loads the bundle exactly as src/sea/main.cts does, runs one real plugin invocation (given by
// the environment and stdin the parent sets), and at exit writes V8's code cache, which then
// holds every function that invocation compiled.
'use strict';
const fs = require('node:fs');
const vm = require('node:vm');
const { WRAPPER_HEAD, WRAPPER_TAIL, SCRIPT_FILENAME } = require('../src/sea/wrapper.cjs');

const [bundle, out, cacheIn] = process.argv.slice(2);
const source = WRAPPER_HEAD + fs.readFileSync(bundle).toString('latin1') + WRAPPER_TAIL;
const cachedData = cacheIn && fs.existsSync(cacheIn) ? fs.readFileSync(cacheIn) : undefined;
const script = new vm.Script(source, { filename: SCRIPT_FILENAME, cachedData });
process.on('exit', () => fs.writeFileSync(out, script.createCachedData()));
// The bundle dispatches on argv like the executable: [node, 'cni', <plugin>].
process.argv = [process.argv[0], 'cni', ...(process.env.WARM_ARGS || '').split(' ').filter(Boolean)];
script.runInThisContext()(module.exports, require, module, SCRIPT_FILENAME, '.');
