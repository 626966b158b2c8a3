/**
 * Static checks of a list (libcni ValidateNetworkList): every plugin exists in the path and
 * supports the list's version. Returns the capabilities the list's plugins declare.
 */
import { MultiError } from '../errors.js';
import { getVersionInfo } from '../invoke/version-info.js';
import type { NetworkConfigList } from '../types.js';
import type { RuntimeContext } from './context.js';

export class UnsupportedVersionError extends Error {
  override readonly name = 'UnsupportedVersionError';
}

export async function validateNetworkList(ctx: RuntimeContext, list: NetworkConfigList): Promise<string[]> {
  const errors: Error[] = [];
  const caps = new Set<string>();
  for (const plugin of list.plugins) {
    try {
      await validatePlugin(ctx, plugin.network.type, list.cniVersion);
    } catch (err) {
      errors.push(err instanceof Error ? err : new Error(String(err)));
    }
    for (const [cap, enabled] of Object.entries(plugin.network.capabilities ?? {})) if (enabled) caps.add(cap);
  }
  if (errors.length) throw new MultiError(errors);
  return [...caps].sort();
}

async function validatePlugin(ctx: RuntimeContext, type: string, version: string): Promise<void> {
  const pluginPath = await ctx.exec.findInPath(type, ctx.path);
  const expected = version || '0.1.0';
  const info = await getVersionInfo(ctx.exec, pluginPath, ctx.env);
  if (!info.supportedVersions.includes(expected)) throw new UnsupportedVersionError(`plugin ${type} does not support config version "${expected}"`);
}
