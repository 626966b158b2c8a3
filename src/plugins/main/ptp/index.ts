/**
 * ptp: a veth pair between the container and the host with point-to-point style routing: the
 * container reaches everything through the gateway address on the host end.
 */
import type { PluginDefinition } from '../../../skel/types.js';
import { delegateGc, delegateStatus } from '../../../skel/delegate.js';
import { parsePtpConfig, type PtpConf } from './config.js';
import { addPtp } from './add.js';
import { delPtp } from './del.js';
import { checkPtp } from './check.js';
import { gcMasquerade } from '../../../lib/ipmasq/plugin-steps.js';

export const plugin: PluginDefinition<PtpConf> = {
  name: 'ptp',
  parseConfig: (raw) => parsePtpConfig(raw),
  add: addPtp,
  del: delPtp,
  check: checkPtp,
  status: (conf, ctx) => delegateStatus(conf.settings.ipamType, ctx.args.stdin, ctx),
  // Masquerading of attachments that are not valid any more, then the IPAM plugin's GC.
  async gc(conf, ctx) {
    await gcMasquerade(conf, conf.settings);
    await delegateGc(conf.settings.ipamType, ctx.args.stdin, ctx);
  },
};
