// Shared by the SEA entry and the build-time cache warm-up: the code cache is valid only for
// byte-identical source, so both must wrap the bundle the same way.
exports.WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';
exports.WRAPPER_TAIL = '\n})';
exports.SCRIPT_FILENAME = 'cni.js';
