/**
 * node:child_process for the iptables code path only: iptables(-restore/-save) are the one
 * sanctioned child process, and plugins that never touch iptables must not pay for loading it.
 */
export { childProcess } from '../builtin.js';
