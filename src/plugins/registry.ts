/**
 * Every plugin this binary serves, with the metadata `cni plugins`, `cni install` and VERSION need
 * and a lazy loader, so a plugin start evaluates only its own module graph.
 */
import type { PluginEntry } from '../skel/types.js';
import { SPEC_VERSIONS } from '../spec/types.js';

const ALL = SPEC_VERSIONS;

export const PLUGINS: readonly PluginEntry[] = [
  { name: 'loopback', kind: 'main', summary: 'brings up the loopback interface', supportedVersions: ALL, load: () => import('./main/loopback/index.js').then((m) => m.plugin) },
];

export function findPlugin(name: string): PluginEntry | undefined {
  return PLUGINS.find((p) => p.name === name);
}
