/**
 * bridge DEL: remove the MAC spoof check and the masquerading (both found by name, so even without
 * a netns), delete the container end of the veth (missing link or namespace is fine), then always
 * release the IPAM reservation, even when the namespace is gone or a step before failed.
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
  const s = conf.settings;
  // Netfilter first: the kernel's clean-up of deleted rules (an RCU grace period) then overlaps the
  // veth delete and the IPAM release instead of delaying the exit. Errors wait until IPAM is released.
  const netfilterError = await firstError([
    async () => s.macspoofchk && (await delSpoofCheck(ctx)),
    async () => s.ipamType && (await delMasquerade(conf.name, s, ctx)),
  ]);
  const linkError = ctx.args.netns ? removeContainerLink(ctx.args.netns, ctx.args.ifName) : undefined;
  if (s.ipamType) await delegateDel(s.ipamType, ctx.args.stdin, ctx);
  if (linkError) throw linkError;
  if (netfilterError) throw netfilterError;
}

/** Run every step; return the first error, if any. */
async function firstError(steps: (() => Promise<unknown>)[]): Promise<unknown> {
  let first: unknown;
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      first ??= err;
    }
  }
  return first;
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
