/**
 * `cni exec add|check|del|gc|status|validate|list [network] [netns]`: run network configurations
 * against a network namespace, compatible with the reference cnitool (same environment
 * variables, container ID and result cache).
 */
import type { CommandModule } from 'yargs';
import { errorText, findCniError } from '../../runtime/index.js';
import { EXEC_ACTIONS, runExec, type ExecAction } from './exec/run.js';
import { IN_PROCESS_OPTION, inProcessWanted, pluginExec } from '../plugin-exec.js';

interface ExecArgs {
  action: ExecAction;
  network?: string;
  netns?: string;
  ifname?: string;
  'container-id'?: string;
  args?: string;
  'cap-args'?: string;
  json?: boolean;
  'conf-dir'?: string;
  'cni-path'?: string;
  'cache-dir'?: string;
  valid?: string[];
  'in-process'?: boolean;
}

export const execCommand: CommandModule<object, ExecArgs> = {
  command: 'exec <action> [network] [netns]',
  describe: 'Run a network configuration against a network namespace (like cnitool)',
  builder: (y) =>
    y
      .positional('action', { choices: EXEC_ACTIONS, describe: 'what to do', demandOption: true })
      .positional('network', { type: 'string', describe: 'network name (from the config directory)' })
      .positional('netns', { type: 'string', describe: 'network namespace path (add, check, del)' })
      .option('ifname', { alias: 'i', type: 'string', describe: 'interface name [env CNI_IFNAME, default eth0]' })
      .option('container-id', { type: 'string', describe: 'container ID [default cnitool-<sha512(netns) prefix>]' })
      .option('args', { type: 'string', describe: 'CNI_ARGS, K=V;K2=V2 [env CNI_ARGS]' })
      .option('cap-args', { type: 'string', describe: 'capability arguments as JSON [env CAP_ARGS]' })
      .option('json', { type: 'boolean', describe: 'print JSON (add: the result as the plugin gave it)' })
      .option('conf-dir', { type: 'string', describe: 'configuration directory [env NETCONFPATH, default /etc/cni/net.d]' })
      .option('cni-path', { type: 'string', describe: 'plugin directories, colon-separated [env CNI_PATH]' })
      .option('cache-dir', { type: 'string', describe: 'result cache directory [default /var/lib/cni]' })
      .option('valid', { type: 'string', array: true, describe: 'gc: attachment still in use, CONTAINERID:IFNAME (repeatable)' })
      .option('in-process', IN_PROCESS_OPTION)
      .example('$0 exec add mynet /var/run/netns/test', 'attach the namespace to network "mynet"')
      .example('$0 exec list', 'show the networks in the configuration directory'),
  handler: async (argv) => {
    try {
      const out = await runExec({
        action: argv.action,
        network: argv.network,
        netns: argv.netns,
        ifname: argv.ifname,
        containerId: argv['container-id'],
        args: argv.args,
        capArgs: argv['cap-args'],
        json: argv.json,
        confDir: argv['conf-dir'],
        cniPath: argv['cni-path'],
        cacheDir: argv['cache-dir'],
        valid: argv.valid,
      }, { exec: pluginExec(inProcessWanted(argv['in-process'], process.env)) });
      process.stdout.write(out);
    } catch (err) {
      const cni = findCniError(err);
      process.stderr.write(`cni exec: ${errorText(err)}${cni ? ` (CNI error code ${cni.code})` : ''}\n`);
      process.exitCode = 1;
    }
  },
};
