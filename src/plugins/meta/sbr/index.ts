/**
 * sbr: source-based routing for a chained interface. Each of its addresses gets a policy rule
 * "from ADDR" and its own routing table holding the interface's routes and a default route via
 * its gateway, so replies and traffic bound to that address leave through that interface.
 */
import type { PluginDefinition } from '../../../skel/types.js';
import { parseSbrConfig, type SbrConf } from './config.js';
import { addSbr, checkSbr, delSbr } from './verbs.js';

export const plugin: PluginDefinition<SbrConf> = {
  name: 'sbr',
  parseConfig: (raw) => parseSbrConfig(raw),
  add: addSbr,
  del: delSbr,
  check: checkSbr,
  status() {
    // Nothing to wait for: sbr depends on no daemon.
  },
  gc() {
    // sbr keeps no state outside the container's namespace; nothing to collect.
  },
};

export { parseSbrConfig, type SbrConf } from './config.js';
