import { PLUGINS } from '../plugins/registry.js';
import { BINARY_VERSION } from '../version.js';
import { SPEC_VERSIONS } from '../spec/types.js';

/** What a user sees when the binary is linked under a name it does not serve. */
export function unknownNameHelp(name: string): string {
  return [
    `cni ${BINARY_VERSION}: "${name}" is not a plugin this binary serves.`,
    `CNI spec versions: ${SPEC_VERSIONS.join(', ')}`,
    `Plugins: ${PLUGINS.map((p) => p.name).join(', ')}`,
    'Link the binary under a plugin name (cni install [DIR] does that), run `cni <plugin>`,',
    'or run `cni --help` for the command-line tool.',
    '',
  ].join('\n');
}
