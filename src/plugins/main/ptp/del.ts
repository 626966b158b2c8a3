/**
 * ptp DEL: remove the masquerading (found by name, so also without a netns), release IPAM, then
 * delete the container end; the host end, its gateway address and host routes go with the pair.
 * Missing namespace or link is success.
 */
import type { PluginContext } from '../../../skel/types.js';
import { delegateDel } from '../../../skel/delegate.js';
import { Sandbox, isNetnsGone } from '../../../lib/ifconfig/index.js';
import { deleteContainerLink } from '../../../lib/veth.js';
import { delMasquerade } from '../../../lib/ipmasq/plugin-steps.js';
import type { PtpConf } from './config.js';

export async function delPtp(conf: PtpConf, ctx: PluginContext): Promise<void> {
  // Masquerading first: the kernel's clean-up of deleted rules (an RCU grace period) then overlaps
  // the rest instead of delaying the exit. Its error is reported once IPAM is released.
  let masqError: unknown;
  try {
    await delMasquerade(conf.name, conf.settings, ctx);
  } catch (err) {
    masqError = err;
  }
  await delegateDel(conf.settings.ipamType, ctx.args.stdin, ctx);
  if (ctx.args.netns) removeContainerLink(ctx.args.netns, ctx.args.ifName);
  if (masqError) throw masqError;
}

function removeContainerLink(netns: string, ifName: string): void {
  try {
    using sb = Sandbox.open(netns);
    deleteContainerLink(sb.nl, ifName);
  } catch (err) {
    if (!isNetnsGone(err)) throw err;
  }
}
