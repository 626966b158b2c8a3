/**
 * iptables through iptables-restore / iptables-save: the one sanctioned child process, one
 * `iptables-restore --noflush` per family per operation rather than one process per rule.
 * Everything acts in the network namespace of the calling thread (see run.ts).
 */
export type { IptFamily, IptTable, RestoreBatch, SavedTable } from './types.js';
export { IptablesError } from './errors.js';
export { iptablesRestore, iptablesSave, iptablesAvailable, useIptablesFlavour, type IptablesFlavour, type RestoreOptions } from './run.js';
export { removeRulesMatching, planRemoval } from './remove.js';
export { quoteComment, buildRestoreText, deleteLineFor, missingChains, BUILTIN_CHAINS } from './restore-text.js';
export { parseIptablesSave } from './save-parse.js';
export { iptablesMayHaveChain, iptablesFiltersForward, type IptablesFiltering } from './presence.js';
