/**
 * The `cni` command-line tool. One yargs CommandModule per file, listed explicitly here (a bundled
 * binary cannot scan directories).
 */
import yargs, { type CommandModule } from 'yargs';
import { BINARY_VERSION } from '../version.js';
import { versionCommand } from './commands/version.js';
import { pluginsCommand } from './commands/plugins.js';
import { installCommand, uninstallCommand } from './commands/install.js';
import { execCommand } from './commands/exec.js';
import { runCommand } from './commands/run.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const COMMANDS: CommandModule<any, any>[] = [versionCommand, pluginsCommand, installCommand, uninstallCommand, execCommand, runCommand];

export async function runCli(argv: string[]): Promise<number> {
  let failed = false;
  const parser = yargs(argv)
    .scriptName('cni')
    .usage('$0 <command> [options]\n\nCNI plugins, runtime library and tools in one executable.\nRun as a plugin through a symlink named after it (see `cni install`), or `cni <plugin>`.')
    .command(COMMANDS)
    .demandCommand(1, 'Give a command (see --help).')
    .strict()
    .version(BINARY_VERSION)
    .help()
    .alias('h', 'help')
    // cliui's CommonJS build wraps by slicing mid-word; unwrapped text reads better.
    .wrap(null)
    .fail((msg, err) => {
      failed = true;
      if (err) process.stderr.write(`cni: ${err.message}\n`);
      else process.stderr.write(`cni: ${msg}\nRun \`cni --help\` for usage.\n`);
    });
  await parser.parseAsync();
  if (failed) return 2;
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}
