/**
 * DEL of a link plugin: release the IPAM reservation (also without a netns), then delete the link
 * in the container. A missing namespace or link is success; DEL may run any number of times.
 */
import type { PluginContext } from '../../skel/types.js';
import { delegateDel } from '../../skel/delegate.js';
import { Sandbox, isNetnsGone } from '../ifconfig/index.js';
import { deleteContainerLink } from '../veth.js';
import type { LinkPluginConf } from './types.js';

export async function delLinkAttachment(conf: LinkPluginConf, ctx: PluginContext): Promise<void> {
  if (conf.link.ipamType) await delegateDel(conf.link.ipamType, ctx.args.stdin, ctx);
  if (!ctx.args.netns) return;
  try {
    using sb = Sandbox.open(ctx.args.netns);
    deleteContainerLink(sb.nl, ctx.args.ifName);
  } catch (err) {
    if (!isNetnsGone(err)) throw err;
  }
}
