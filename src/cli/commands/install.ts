import type { CommandModule } from 'yargs';
import { PLUGINS } from '../../plugins/registry.js';
import { applyPlan, describeAction, planInstall, planUninstall, type Action } from '../../install/plan.js';

interface Args {
  dir: string;
  force?: boolean;
  link?: boolean;
  'dry-run'?: boolean;
}

const DEFAULT_DIR = '/opt/cni/bin';

function run(actions: Action[], dryRun: boolean | undefined, failOnSkip: boolean): void {
  for (const a of actions) process.stdout.write(`${dryRun ? '[dry-run] ' : ''}${describeAction(a)}\n`);
  if (!dryRun) applyPlan(actions);
  // A skipped plugin name means that plugin is not served from DIR: scripts must notice.
  if (failOnSkip && actions.some((a) => a.op === 'skip')) process.exitCode = 1;
}

export const installCommand: CommandModule<object, Args> = {
  command: 'install [dir]',
  describe: `Put this executable in DIR (default ${DEFAULT_DIR}) with one symlink per plugin; idempotent`,
  builder: (y) =>
    y
      .positional('dir', { type: 'string', default: DEFAULT_DIR, describe: 'CNI plugin directory' })
      .option('force', { type: 'boolean', describe: 'replace plugin files that are not our symlinks' })
      .option('link', { type: 'boolean', describe: 'symlink DIR/cni to this executable instead of copying it' })
      .option('dry-run', { type: 'boolean', describe: 'print what would be done, change nothing' }) as never,
  handler: (argv) => {
    run(planInstall({ dir: argv.dir, self: process.execPath, plugins: PLUGINS.map((p) => p.name), link: argv.link, force: argv.force }), argv['dry-run'], true);
  },
};

export const uninstallCommand: CommandModule<object, Args> = {
  command: 'uninstall [dir]',
  describe: `Remove our plugin symlinks and the executable from DIR (default ${DEFAULT_DIR}); foreign files are left alone`,
  builder: (y) =>
    y
      .positional('dir', { type: 'string', default: DEFAULT_DIR, describe: 'CNI plugin directory' })
      .option('dry-run', { type: 'boolean', describe: 'print what would be done, change nothing' }) as never,
  handler: (argv) => {
    run(planUninstall({ dir: argv.dir, plugins: PLUGINS.map((p) => p.name) }), argv['dry-run'], false);
  },
};
