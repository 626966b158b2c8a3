import type { CommandModule } from 'yargs';
import { DEFAULT_CONF_DIR } from '../../runtime/index.js';
import { IN_PROCESS_OPTION, inProcessWanted, pluginExec } from '../plugin-exec.js';

interface RunArgs {
  net?: string[];
  command?: string[];
  'conf-dir'?: string;
  'cni-path'?: string;
  'cache-dir'?: string;
  verbose?: boolean;
  'in-process'?: boolean;
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: 'run [command..]',
  describe: 'Run a command in a new network namespace attached to networks (default: every configured network, else an embedded bridge network)',
  builder: (y) =>
    y
      .positional('command', { type: 'string', array: true, describe: 'the command and its arguments (after --)' })
      .option('net', { type: 'string', array: true, describe: 'network name to attach (repeatable)' })
      .option('conf-dir', { type: 'string', describe: `configuration directory [env NETCONFPATH, default ${DEFAULT_CONF_DIR}]` })
      .option('cni-path', { type: 'string', describe: 'plugin directories, colon-separated [env CNI_PATH; default: this executable]' })
      .option('cache-dir', { type: 'string', describe: 'result cache directory [default /var/lib/cni]' })
      .option('verbose', { alias: 'v', type: 'boolean', describe: 'print each attachment on stderr' })
      .option('in-process', IN_PROCESS_OPTION)
      .example('$0 run -- ip addr', 'show the addresses of a freshly attached namespace')
      .parserConfiguration({ 'populate--': true, 'unknown-options-as-args': true }) as never,
  handler: async (argv) => {
    const rest = (argv as unknown as { '--'?: string[] })['--'] ?? [];
    const command = [...(argv.command ?? []), ...rest].map(String);
    if (command.length === 0) {
      process.stderr.write('cni run: give a command to run, e.g. cni run -- ip addr\n');
      process.exitCode = 2;
      return;
    }
    const env = process.env;
    const cniPathText = argv['cni-path'] ?? env.CNI_PATH;
    const { runInNewNetns } = await import('../../run/session.js');
    try {
      process.exitCode = await runInNewNetns({
        nets: argv.net ?? [],
        command,
        confDir: argv['conf-dir'] ?? env.NETCONFPATH ?? DEFAULT_CONF_DIR,
        cniPath: cniPathText ? cniPathText.split(':').filter(Boolean) : undefined,
        cacheDir: argv['cache-dir'],
        executable: process.execPath,
        verbose: argv.verbose,
        exec: pluginExec(inProcessWanted(argv['in-process'], env)),
        stderr: (s) => process.stderr.write(s),
      });
    } catch (err) {
      process.stderr.write(`cni run: ${(err as Error).message}\n`);
      process.exitCode = 1;
    }
  },
};
