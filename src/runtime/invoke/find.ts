/** Plugin lookup in CNI_PATH (pkg/invoke FindInPath). */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { PluginNotFoundError } from '../errors.js';

/**
 * The first `<dir>/<plugin>` that is a regular file after following symlinks. The name must not
 * contain a path separator, so a config cannot point the runtime at an arbitrary binary.
 */
export async function findInPath(plugin: string, paths: readonly string[]): Promise<string> {
  if (plugin === '') throw new PluginNotFoundError('no plugin name provided');
  if (plugin.includes(path.sep)) throw new PluginNotFoundError(`invalid plugin name: ${plugin}`);
  if (paths.length === 0) throw new PluginNotFoundError('no paths provided');
  for (const dir of paths) {
    const full = path.join(dir, plugin);
    try {
      if ((await stat(full)).isFile()) return full;
    } catch {
      /* missing or unreadable: try the next directory */
    }
  }
  throw new PluginNotFoundError(`failed to find plugin "${plugin}" in path [${paths.join(' ')}]`);
}
