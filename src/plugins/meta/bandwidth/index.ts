/**
 * bandwidth: a chained plugin that shapes the container's traffic with tbf on the host side of its
 * veth: ingress (toward the container) on the host veth's root, egress (from the container)
 * through an IFB device. All of it over rtnetlink, no `tc` process. ADD returns prevResult plus the
 * IFB; DEL removes what ADD made; CHECK compares the kernel's tbf parameters with the config; GC
 * removes the IFBs of this network (recognised by their alias) whose attachment is gone.
 */
import { Netlink, type Link } from '../../../netlink/index.js';
import { readPschedClock } from '../../../netlink/tc/index.js';
import { Rollback } from '../../../lib/rollback.js';
import { validAttachments } from '../../../skel/valid-attachments.js';
import type { PluginContext, PluginDefinition } from '../../../skel/types.js';
import { invalidConfig } from '../../../spec/errors.js';
import type { Result } from '../../../spec/types.js';
import { isZero, parseBandwidthConfig, type BandwidthConf } from './config.js';
import { hostInterface } from './host-iface.js';
import { aliasPrefix, ifbName } from './names.js';
import { apply, check, preflight, remove, type ShapingPlan } from './shaping.js';
import { tbfParams } from './tbf-params.js';

function plan(conf: BandwidthConf, ctx: PluginContext): ShapingPlan {
  const p: ShapingPlan = { network: conf.name, containerId: ctx.args.containerId, ifb: ifbName(conf.name, ctx.args.containerId) };
  const bw = conf.bandwidth;
  if (!bw || isZero(bw)) return p;
  const clock = readPschedClock();
  if (bw.ingressRate > 0 && bw.ingressBurst > 0) p.ingress = tbfParams(bw.ingressRate, bw.ingressBurst, clock, 'ingress');
  if (bw.egressRate > 0 && bw.egressBurst > 0) p.egress = tbfParams(bw.egressRate, bw.egressBurst, clock, 'egress');
  return p;
}

/** The host veth, or undefined when DEL cannot find it (no prevResult, namespace or link any more). */
function hostForDel(nl: Netlink, conf: BandwidthConf, ctx: PluginContext): Link | undefined {
  const prev = conf.prevResult as Result | undefined;
  if (!prev || !ctx.args.netns) return undefined;
  try {
    return hostInterface(nl, prev, ctx.args.netns, ctx.args.ifName);
  } catch (err) {
    ctx.log.debug({ err }, 'bandwidth: host veth not found; deleting the IFB only');
    return undefined;
  }
}

export const plugin: PluginDefinition<BandwidthConf> = {
  name: 'bandwidth',
  parseConfig: (raw) => parseBandwidthConfig(raw),

  async add(conf, ctx) {
    const p = plan(conf, ctx);
    const prev = conf.prevResult as Result | undefined;
    if (!prev) throw invalidConfig('must be called as chained plugin');
    if (!p.ingress && !p.egress) return prev;
    using nl = Netlink.open();
    const host = hostInterface(nl, prev, ctx.args.netns, ctx.args.ifName);
    preflight(nl, host, p);
    const clock = readPschedClock();
    const ifb = await Rollback.run(ctx.log, (rb) => apply(nl, host, p, clock, rb));
    ctx.log.debug({ host: host.name, ifb: ifb?.name, ingress: p.ingress, egress: p.egress }, 'bandwidth: shaping installed');
    if (!ifb) return prev;
    return { ...prev, interfaces: [...(prev.interfaces ?? []), { name: ifb.name, mac: ifb.mac }] };
  },

  del(conf, ctx) {
    const p = plan(conf, ctx);
    using nl = Netlink.open();
    remove(nl, hostForDel(nl, conf, ctx), p);
  },

  check(conf, ctx) {
    const prev = conf.prevResult as Result | undefined;
    if (!prev) throw invalidConfig('must be called as a chained plugin');
    const p = plan(conf, ctx);
    using nl = Netlink.open();
    const host = hostInterface(nl, prev, ctx.args.netns, ctx.args.ifName);
    check(nl, host, p);
  },

  gc(conf, ctx) {
    const keep = new Set(validAttachments(conf).map((a) => ifbName(conf.name, a.containerID)));
    const ours = aliasPrefix(conf.name);
    using nl = Netlink.open();
    for (const link of nl.linkList()) {
      if (link.kind !== 'ifb' || !link.alias?.startsWith(ours) || keep.has(link.name)) continue;
      try {
        nl.linkDel(link.index);
        ctx.log.debug({ ifb: link.name }, 'bandwidth: removed the IFB of a stale attachment');
      } catch (err) {
        ctx.log.warn({ err, ifb: link.name }, 'bandwidth: could not remove a stale IFB');
      }
    }
  },
};
