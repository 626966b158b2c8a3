/**
 * vrf: puts the container interface into a VRF (an L3 routing domain with its own table) in the
 * container namespace, so one container can hold interfaces with overlapping addresses. A chained
 * plugin: it needs prevResult and passes it through. No state outside the namespace, so GC has
 * nothing to do; STATUS has no dependency to wait for.
 */
import type { PluginDefinition } from '../../../skel/types.js';
import { parseVrfConfig, type VrfConf } from './config.js';
import { addVrf, checkVrf, delVrf } from './verbs.js';

export const plugin: PluginDefinition<VrfConf> = {
  name: 'vrf',
  parseConfig: (raw) => parseVrfConfig(raw),
  add: addVrf,
  del: delVrf,
  check: checkVrf,
  status() {
    // Ready whenever the kernel has VRFs; ADD reports it when it has not.
  },
  gc() {
    // Nothing outside the container namespaces, which go with their containers.
  },
};
