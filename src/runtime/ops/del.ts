/**
 * DEL a list: plugins in reverse order with the cached result as prevResult (spec >= 0.4.0).
 * A cache file that cannot be used (empty or corrupt after a crash) is removed and DEL goes on
 * without a prevResult: it must never block teardown. The cache goes only when every plugin
 * succeeded, so a failed DEL can be retried with the same prevResult.
 */
import { PluginFailedError } from '../errors.js';
import { buildRequest } from '../request.js';
import type { AddResult, NetworkConfigList, RuntimeConf } from '../types.js';
import { cachedResult } from './cached.js';
import { atLeast, invokePlugin, type RuntimeContext } from './context.js';

export async function delNetworkList(ctx: RuntimeContext, list: NetworkConfigList, rt: RuntimeConf): Promise<void> {
  let prev: AddResult | undefined;
  if (atLeast(list.cniVersion, '0.4.0')) {
    try {
      prev = await cachedResult(ctx, list, rt);
    } catch {
      await ctx.cache.remove(list.name, rt).catch(() => {});
    }
  }
  for (const plugin of [...list.plugins].reverse()) {
    try {
      await invokePlugin(ctx, 'DEL', plugin, buildRequest(list.name, list.cniVersion, plugin, prev?.json, rt), rt);
    } catch (err) {
      throw new PluginFailedError(plugin.network.type, plugin.network.name, 'delete', err);
    }
  }
  await ctx.cache.remove(list.name, rt).catch(() => {});
}
