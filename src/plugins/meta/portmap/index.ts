/**
 * portmap: forwards host ports to the container (DNAT), with masquerading for hairpin and
 * localhost connections, through nftables (default, over our own netlink: no process) or the
 * reference's iptables chains (one iptables-restore per family and operation). A chained plugin:
 * it needs prevResult and passes it through.
 */
import type { PluginDefinition } from '../../../skel/types.js';
import { parsePortmapConfig, type PortmapConf } from './config.js';
import { addPortmap, checkPortmap, delPortmap, gcPortmap } from './verbs.js';

export const plugin: PluginDefinition<PortmapConf> = {
  name: 'portmap',
  parseConfig: (raw) => parsePortmapConfig(raw),
  add: addPortmap,
  del: delPortmap,
  check: checkPortmap,
  status() {
    // Nothing to wait for: the rules are set up on demand by ADD.
  },
  gc: (conf) => gcPortmap(conf),
};

export { parsePortmapConfig, type PortmapConf, type PortmapSettings, type Backend } from './config.js';
