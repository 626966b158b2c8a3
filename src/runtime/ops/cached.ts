/** The cached ADD result as a prevResult: converted to the list's current version. */
import { CacheError, errorText } from '../errors.js';
import { convertAddResult, resultFromJson } from '../invoke/result.js';
import type { AddResult, NetworkConfigList, RuntimeConf } from '../types.js';
import type { RuntimeContext } from './context.js';

/** undefined when nothing is cached; throws CacheError when the cache cannot be used. */
export async function cachedResult(ctx: RuntimeContext, list: NetworkConfigList, rt: RuntimeConf): Promise<AddResult | undefined> {
  const cached = await ctx.cache.readResult(list.name, rt);
  if (!cached) return undefined;
  try {
    // The config may have changed version while the container ran: the plugins get today's.
    return convertAddResult(resultFromJson(cached.json, cached.cniVersion), list.cniVersion || cached.cniVersion);
  } catch (err) {
    throw new CacheError(`failed to convert cached result of network "${list.name}" to config version "${list.cniVersion}": ${errorText(err)}`, { cause: err });
  }
}
