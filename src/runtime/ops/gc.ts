/**
 * GC a list (libcni GCNetworkList): first DEL every cached attachment of this network that is not
 * in the valid list (with today's config and the cached netns/args), then send GC to every plugin
 * when the list speaks 1.1.0 or later. Every step runs; the failures are reported together.
 */
import { describePlugin, errorText, MultiError } from '../errors.js';
import { buildGCRequest } from '../request.js';
import type { GCArgs, NetworkConfigList, RuntimeConf } from '../types.js';
import { atLeast, invokePlugin, type RuntimeContext } from './context.js';
import { delNetworkList } from './del.js';

export async function gcNetworkList(ctx: RuntimeContext, list: NetworkConfigList, args?: GCArgs): Promise<void> {
  if (list.disableGC) return;
  const errors: Error[] = [];
  const valid = new Set(args?.validAttachments.map((a) => key(a.containerID, a.ifname)));

  let attachments: Awaited<ReturnType<typeof ctx.cache.attachments>> = [];
  try {
    attachments = await ctx.cache.attachments();
  } catch (err) {
    errors.push(new Error(`failed to list cached attachments: ${errorText(err)}`, { cause: err }));
  }
  for (const a of attachments) {
    if (a.network !== list.name || valid.has(key(a.containerId, a.ifName))) continue;
    const rt: RuntimeConf = { containerId: a.containerId, netns: a.netns ?? '', ifName: a.ifName, args: a.cniArgs, capabilityArgs: a.capabilityArgs };
    try {
      await delNetworkList(ctx, list, rt);
    } catch (err) {
      errors.push(new Error(`failed to delete stale attachment ${a.containerId} ${a.ifName}: ${errorText(err)}`, { cause: err }));
    }
  }

  if (atLeast(list.cniVersion, '1.1.0')) {
    for (const plugin of list.plugins) {
      try {
        await invokePlugin(ctx, 'GC', plugin, buildGCRequest(list.name, list.cniVersion, plugin, args?.validAttachments));
      } catch (err) {
        errors.push(new Error(`failed to GC plugin ${describePlugin(plugin.network.type, plugin.network.name)}: ${errorText(err)}`, { cause: err }));
      }
    }
  }
  if (errors.length) throw new MultiError(errors);
}

const key = (containerId: string, ifName: string) => `${containerId}\0${ifName}`;
