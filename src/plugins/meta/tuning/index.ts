/**
 * tuning: a chained plugin that sets network sysctls in the container's namespace and changes
 * the container interface's MAC, MTU, promiscuous and all-multicast modes and transmit queue
 * length, restoring the interface on DEL from a backup kept in dataDir.
 */
import type { PluginDefinition } from '../../../skel/types.js';
import { parseTuningConfig, type TuningConf } from './config.js';
import { addTuning, checkTuning, delTuning, gcTuning } from './verbs.js';

export const plugin: PluginDefinition<TuningConf> = {
  name: 'tuning',
  parseConfig: (raw, ctx) => parseTuningConfig(raw, ctx.args.args, ctx.args.stdin),
  add: addTuning,
  del: delTuning,
  check: checkTuning,
  status() {
    // Nothing to wait for: tuning depends on no daemon or shared state.
  },
  gc: gcTuning,
};

export { parseTuningConfig, type TuningConf } from './config.js';
