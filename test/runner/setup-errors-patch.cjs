// The one text substitution both loaders of setup-errors apply to uvu's runner.
'use strict';
const BEFORE = 'for (hook of before) await hook(state);';
const REPORTED =
  "try { for (hook of before) await hook(state); } catch (err) { errors = format('suite setup (before hook) failed: ' + (err && err.message), err, name); write(FAIL); arr = []; }";
const isUvuRunner = (file) => /[\\/]node_modules[\\/]uvu[\\/]dist[\\/]index\.m?js$/.test(file);
module.exports = { BEFORE, REPORTED, isUvuRunner };
