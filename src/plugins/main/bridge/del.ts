/**
 * bridge DEL: delete the container end of the veth (missing link or namespace is fine), then always
 * release the IPAM reservation, even when the namespace is gone or the link delete failed, then
 * remove the MAC spoof check and the masquerading (both found by name, so even without a netns).
 * The bridge is never deleted: other containers may use it.
 */
import type { PluginContext } from '../../../skel/types.js';
import { delegateDel } from '../../../skel/delegate.js';
import { Sandbox, isNetnsGone } from '../../../lib/ifconfig/index.js';
import { deleteContainerLink } from '../../../lib/veth.js';
import { delMasquerade } from '../../../lib/ipmasq/plugin-steps.js';
import type { BridgeConf } from './config.js';
import { delSpoofCheck } from './spoofcheck.js';

export async function delBridge(conf: BridgeConf, ctx: PluginContext): Promise<void> {
  const linkError = ctx.args.netns ? removeContainerLink(ctx.args.netns, ctx.args.ifName) : undefined;
  const s = conf.settings;
  if (s.ipamType) await delegateDel(s.ipamType, ctx.args.stdin, ctx);
  if (s.macspoofchk) await delSpoofCheck(ctx);
  if (s.ipamType) await delMasquerade(conf.name, s, ctx);
  if (linkError) throw linkError;
}

/** Returns the error to report after IPAM is released, if any. */
export function removeContainerLink(netns: string, ifName: string): unknown {
  try {
    using sb = Sandbox.open(netns);
    deleteContainerLink(sb.nl, ifName);
    return undefined;
  } catch (err) {
    return isNetnsGone(err) ? undefined : err;
  }
}
