import type { CommandModule } from 'yargs';
import { BINARY_VERSION } from '../../version.js';
import { SPEC_VERSIONS } from '../../spec/types.js';
import { PLUGINS } from '../../plugins/registry.js';

interface Args {
  json?: boolean;
}

export const versionCommand: CommandModule<object, Args> = {
  command: 'version',
  describe: 'Show the binary version, the CNI spec versions and the plugins it serves',
  builder: (y) => y.option('json', { type: 'boolean', describe: 'print JSON' }),
  handler: (argv) => {
    const info = { version: BINARY_VERSION, cniVersions: [...SPEC_VERSIONS], plugins: PLUGINS.map((p) => p.name) };
    if (argv.json) process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    else {
      process.stdout.write(`cni ${info.version}\nCNI spec versions: ${info.cniVersions.join(', ')}\nplugins: ${info.plugins.join(', ')}\n`);
    }
  },
};
