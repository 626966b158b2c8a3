/**
 * ptp DEL: release IPAM first (as the reference), then delete the container end; the host end, its
 * gateway address and host routes go with the pair; then remove the masquerading (found by name,
 * so also without a netns). Missing namespace or link is success.
 */
import type { PluginContext } from '../../../skel/types.js';
import { delegateDel } from '../../../skel/delegate.js';
import { Sandbox, isNetnsGone } from '../../../lib/ifconfig/index.js';
import { deleteContainerLink } from '../../../lib/veth.js';
import { delMasquerade } from '../../../lib/ipmasq/plugin-steps.js';
import type { PtpConf } from './config.js';

export async function delPtp(conf: PtpConf, ctx: PluginContext): Promise<void> {
  await delegateDel(conf.settings.ipamType, ctx.args.stdin, ctx);
  if (ctx.args.netns) removeContainerLink(ctx.args.netns, ctx.args.ifName);
  await delMasquerade(conf.name, conf.settings, ctx);
}

function removeContainerLink(netns: string, ifName: string): void {
  try {
    using sb = Sandbox.open(netns);
    deleteContainerLink(sb.nl, ifName);
  } catch (err) {
    if (!isNetnsGone(err)) throw err;
  }
}
