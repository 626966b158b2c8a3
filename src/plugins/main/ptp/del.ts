/**
 * ptp DEL: release IPAM first (as the reference), then delete the container end; the host end, its
 * gateway address and host routes go with the pair. Missing namespace or link is success.
 */
import type { PluginContext } from '../../../skel/types.js';
import { delegateDel } from '../../../skel/delegate.js';
import { Sandbox, isNetnsGone } from '../../../lib/ifconfig/index.js';
import { deleteContainerLink } from '../../../lib/veth.js';
import type { PtpConf } from './config.js';

export async function delPtp(conf: PtpConf, ctx: PluginContext): Promise<void> {
  await delegateDel(conf.settings.ipamType, ctx.args.stdin, ctx);
  if (!ctx.args.netns) return;
  try {
    using sb = Sandbox.open(ctx.args.netns);
    deleteContainerLink(sb.nl, ctx.args.ifName);
  } catch (err) {
    if (!isNetnsGone(err)) throw err;
  }
}
