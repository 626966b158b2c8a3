/** CHECK a list against the cached ADD result (spec >= 0.4.0; skipped when disableCheck). */
import { errorText, PluginFailedError } from '../errors.js';
import { buildRequest } from '../request.js';
import type { NetworkConfigList, RuntimeConf } from '../types.js';
import { cachedResult } from './cached.js';
import { atLeast, invokePlugin, type RuntimeContext } from './context.js';

export class CheckNotSupportedError extends Error {
  override readonly name = 'CheckNotSupportedError';
}

export async function checkNetworkList(ctx: RuntimeContext, list: NetworkConfigList, rt: RuntimeConf): Promise<void> {
  if (!atLeast(list.cniVersion, '0.4.0')) throw new CheckNotSupportedError(`configuration version "${list.cniVersion}" does not support the CHECK command`);
  if (list.disableCheck) return;
  let prev;
  try {
    prev = await cachedResult(ctx, list, rt);
  } catch (err) {
    throw new Error(`failed to get network "${list.name}" cached result: ${errorText(err)}`, { cause: err });
  }
  for (const plugin of list.plugins) {
    try {
      await invokePlugin(ctx, 'CHECK', plugin, buildRequest(list.name, list.cniVersion, plugin, prev?.json, rt), rt);
    } catch (err) {
      throw new PluginFailedError(plugin.network.type, plugin.network.name, 'check', err);
    }
  }
}
