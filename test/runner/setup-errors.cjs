// Preloaded by test/run.ts (node --require). uvu swallows an error thrown by a suite's `before`
// hook (its runner returns from a `finally`), so a file whose setup failed showed "(0 / N)" with
// no reason. This rewrites uvu's runner as it is loaded (CommonJS, which tsx-compiled tests use,
// and the ES module build through a load hook) so such an error is reported with its message and
// stack, and the suite fails.
'use strict';
const Module = require('node:module');
const { BEFORE, REPORTED, isUvuRunner } = require('./setup-errors-patch.cjs');

const compile = Module.prototype._compile;
Module.prototype._compile = function (content, filename) {
  if (isUvuRunner(filename)) {
    if (!content.includes(BEFORE)) throw new Error(`test/runner/setup-errors: uvu's runner changed (${filename}); update the patch`);
    content = content.replace(BEFORE, REPORTED);
  }
  return compile.call(this, content, filename);
};
Module.register(require('node:url').pathToFileURL(require.resolve('./setup-errors-hooks.mjs')));
