/**
 * flannel: the meta plugin for flanneld's overlay. It reads the node's subnet from flanneld's
 * subnet.env, renders a config for a delegate (bridge with host-local IPAM by default) and hands
 * the attachment to it, keeping the rendered config for DEL, CHECK and GC.
 */
import type { PluginDefinition } from '../../../skel/types.js';
import { parseFlannelConfig, type FlannelConf } from './config.js';
import { addFlannel, checkFlannel, delFlannel, gcFlannel, statusFlannel } from './verbs.js';

export const plugin: PluginDefinition<FlannelConf> = {
  name: 'flannel',
  parseConfig: (raw, ctx) => parseFlannelConfig(raw, ctx.args.stdin),
  add: addFlannel,
  del: delFlannel,
  check: checkFlannel,
  status: statusFlannel,
  gc: gcFlannel,
};

export { parseFlannelConfig, type FlannelConf } from './config.js';
