import type { CommandModule } from 'yargs';
import { PLUGINS } from '../../plugins/registry.js';

interface Args {
  json?: boolean;
}

export const pluginsCommand: CommandModule<object, Args> = {
  command: 'plugins',
  describe: 'List the plugins this binary serves: name, kind and supported CNI versions',
  builder: (y) => y.option('json', { type: 'boolean', describe: 'print JSON' }),
  handler: (argv) => {
    const rows = PLUGINS.map((p) => ({ name: p.name, kind: p.kind, supportedVersions: [...p.supportedVersions], summary: p.summary }));
    if (argv.json) {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    const w = Math.max(6, ...rows.map((r) => r.name.length));
    const lines = [`${'PLUGIN'.padEnd(w)}  KIND  VERSIONS`];
    for (const r of rows) lines.push(`${r.name.padEnd(w)}  ${r.kind.padEnd(4)}  ${r.supportedVersions.join(',')}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  },
};
