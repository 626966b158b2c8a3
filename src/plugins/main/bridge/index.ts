/**
 * bridge: connects the container to a Linux bridge in the host through a veth pair, with optional
 * gateway addresses on the bridge, VLANs, hairpin, isolation, and IPAM (none = L2 only).
 */
import type { PluginDefinition } from '../../../skel/types.js';
import { delegateGc, delegateStatus } from '../../../skel/delegate.js';
import { parseBridgeConfig, type BridgeConf } from './config.js';
import { addBridge } from './add.js';
import { delBridge } from './del.js';
import { checkBridge } from './check.js';
import { gcMasquerade } from '../../../lib/ipmasq/plugin-steps.js';
import { gcSpoofChecks } from './spoofcheck.js';

export const plugin: PluginDefinition<BridgeConf> = {
  name: 'bridge',
  parseConfig: (raw, ctx) => parseBridgeConfig(raw, ctx.args.args),
  add: addBridge,
  del: delBridge,
  check: checkBridge,
  // Nothing of ours can be unavailable or leak; the IPAM plugin may.
  async status(conf, ctx) {
    if (conf.settings.ipamType) await delegateStatus(conf.settings.ipamType, ctx.args.stdin, ctx);
  },
  // Netfilter rules of attachments that are not valid any more, then the IPAM plugin's GC.
  async gc(conf, ctx) {
    const s = conf.settings;
    if (s.macspoofchk) await gcSpoofChecks(conf, s);
    if (s.ipamType) {
      await gcMasquerade(conf, s);
      await delegateGc(s.ipamType, ctx.args.stdin, ctx);
    }
  },
};
