/** STATUS of a list (spec >= 1.1.0): every plugin in order, stopping at the first that is not ready. */
import { PluginFailedError } from '../errors.js';
import { buildStatusRequest } from '../request.js';
import type { NetworkConfigList } from '../types.js';
import { atLeast, invokePlugin, type RuntimeContext } from './context.js';

export async function getStatusNetworkList(ctx: RuntimeContext, list: NetworkConfigList): Promise<void> {
  if (!atLeast(list.cniVersion, '1.1.0')) return;
  for (const plugin of list.plugins) {
    try {
      await invokePlugin(ctx, 'STATUS', plugin, buildStatusRequest(list.name, list.cniVersion, plugin));
    } catch (err) {
      throw new PluginFailedError(plugin.network.type, plugin.network.name, 'status', err);
    }
  }
}
