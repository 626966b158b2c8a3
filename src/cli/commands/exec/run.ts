/**
 * `cni exec` without the argument parser: run one action and return what goes to stdout.
 * Errors are thrown; the command module prints them.
 */
import { CNIConfig, listNetworks, loadNetworkList, type Exec } from '../../../runtime/index.js';
import { marshalOrdered } from '../../../runtime/go-json.js';
import { parseValidAttachments, runtimeConfFrom, settingsFrom, UsageError, type ExecOptions } from './runtime-args.js';
import { formatNetworkTable, formatResultSummary, networkEntriesJson } from './summary.js';

export const EXEC_ACTIONS = ['add', 'check', 'del', 'gc', 'status', 'validate', 'list'] as const;
export type ExecAction = (typeof EXEC_ACTIONS)[number];

export interface ExecRequest extends ExecOptions {
  action: ExecAction;
  network?: string;
  netns?: string;
  json?: boolean;
}

export interface ExecDeps {
  env?: NodeJS.ProcessEnv;
  /** Test seam: how plugins run. */
  exec?: Exec;
}

export async function runExec(req: ExecRequest, deps: ExecDeps = {}): Promise<string> {
  const env = deps.env ?? process.env;
  const settings = settingsFrom(req, env);

  if (req.action === 'list') {
    const entries = await listNetworks(settings.confDir);
    if (req.json) return `${JSON.stringify(networkEntriesJson(entries), null, 2)}\n`;
    return formatNetworkTable(entries) || `no network configurations in ${settings.confDir}\n`;
  }

  if (!req.network) throw new UsageError(`${req.action} needs a network name`);
  const list = await loadNetworkList(settings.confDir, req.network);
  const cni = new CNIConfig({ path: settings.cniPath, cacheDir: settings.cacheDir, exec: deps.exec, env });

  switch (req.action) {
    case 'status':
      await cni.getStatusNetworkList(list);
      return '';
    case 'validate': {
      const caps = await cni.validateNetworkList(list);
      if (req.json) return `${JSON.stringify({ network: list.name, cniVersion: list.cniVersion, capabilities: caps })}\n`;
      return `${list.name}: every plugin found and supports ${list.cniVersion || '0.1.0'}${caps.length ? `; capabilities: ${caps.join(', ')}` : ''}\n`;
    }
    case 'gc':
      // Like cnitool, every cached attachment of the network is stale unless named with --valid.
      await cni.gcNetworkList(list, { validAttachments: parseValidAttachments(req.valid ?? []) });
      return '';
    default:
      break;
  }

  if (!req.netns) throw new UsageError(`${req.action} needs a network namespace path`);
  const rt = runtimeConfFrom(req.netns, req, env);
  switch (req.action) {
    case 'add': {
      const added = await cni.addNetworkList(list, rt);
      // --json prints what cnitool prints: the result in its own version, 4-space indented.
      if (req.json) return `${marshalOrdered(added.json, 4)}\n`;
      return formatResultSummary(added.result);
    }
    case 'check':
      await cni.checkNetworkList(list, rt);
      return '';
    case 'del':
      await cni.delNetworkList(list, rt);
      return '';
  }
}
