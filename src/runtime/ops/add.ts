/** ADD a list: plugins in order, each result the next one's prevResult; cache the last. */
import { CacheError, ConfigError, errorText, PluginFailedError } from '../errors.js';
import { decodeResult } from '../invoke/result.js';
import { buildRequest } from '../request.js';
import type { AddResult, NetworkConfig, NetworkConfigList, RuntimeConf } from '../types.js';
import { validateContainerId, validateInterfaceName, validateNetworkName } from '../validate.js';
import { invokePlugin, type RuntimeContext } from './context.js';

export async function addNetworkList(ctx: RuntimeContext, list: NetworkConfigList, rt: RuntimeConf): Promise<AddResult> {
  if (list.plugins.length === 0) throw new ConfigError(`network "${list.name}" has no plugins`);
  let result: AddResult | undefined;
  for (const plugin of list.plugins) {
    try {
      result = await addOne(ctx, list, plugin, result, rt);
    } catch (err) {
      throw new PluginFailedError(plugin.network.type, plugin.network.name, 'add', err);
    }
  }
  try {
    await ctx.cache.write(result!, list.bytes, list.name, rt);
  } catch (err) {
    throw new CacheError(`failed to set network "${list.name}" cached result: ${errorText(err)}`, { cause: err });
  }
  return result!;
}

async function addOne(ctx: RuntimeContext, list: NetworkConfigList, plugin: NetworkConfig, prev: AddResult | undefined, rt: RuntimeConf): Promise<AddResult> {
  validateContainerId(rt.containerId);
  validateNetworkName(list.name);
  validateInterfaceName(rt.ifName);
  const stdin = buildRequest(list.name, list.cniVersion, plugin, prev?.json, rt);
  const stdout = await invokePlugin(ctx, 'ADD', plugin, stdin, rt);
  return decodeResult(stdout, list.cniVersion);
}
