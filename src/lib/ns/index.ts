/** Network namespace helpers: open/verify, run code inside, create/delete named ones. */
export { Netns, NetnsNotFoundError, NotANetnsError, openNetns, openCurrentNetns, currentThreadNetnsPath } from './netns.js';
export { withNetns, NetnsRestoreError } from './with-netns.js';
export { createNamedNetns, deleteNamedNetns, NETNS_RUN_DIR } from './named.js';
