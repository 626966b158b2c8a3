/**
 * `cni run`: a new network namespace, ADD of each network (eth0, eth1, ... in order), the command
 * run inside it, then DEL of every network in reverse order and removal of the namespace, also
 * when the command fails, the ADD fails half-way, or SIGINT/SIGTERM arrives.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import { CNIConfig, listNetworks, loadNetworkList, networkConfFromBytes, type Exec, type NetworkConfigList, type RuntimeConf } from '../runtime/index.js';
import { createNamedNetns, deleteNamedNetns, withNetns } from '../lib/ns/index.js';
import { DEFAULT_CONFLIST, DEFAULT_NETWORK_NAME } from './default-network.js';
import { makePrivatePluginDir, type PluginDir } from './plugin-dir.js';
import { formatResultSummary } from '../cli/commands/exec/summary.js';

export interface RunOptions {
  /** Network names to attach; none = every network in confDir, or the embedded default. */
  nets: string[];
  command: string[];
  confDir: string;
  /** Plugin directories; undefined = a private directory of links to `executable`. */
  cniPath?: string[];
  cacheDir?: string;
  executable: string;
  verbose?: boolean;
  /** How plugins run (the CLI passes one that runs our own plugins in-process); default: child processes. */
  exec?: Exec;
  stderr: (s: string) => void;
}

export async function resolveNetworks(nets: string[], confDir: string): Promise<NetworkConfigList[]> {
  if (nets.length) return Promise.all(nets.map((n) => loadNetworkList(confDir, n)));
  const found = (await listNetworks(confDir)).filter((e) => e.network && !e.shadowedBy).map((e) => e.network!);
  return found.length ? found : [networkConfFromBytes(Buffer.from(JSON.stringify(DEFAULT_CONFLIST)))];
}

function waitForExit(child: ReturnType<typeof spawn>): Promise<number> {
  return new Promise((resolve) => {
    child.on('error', (err) => {
      resolve(127);
      process.stderr.write(`cni run: ${err.message}\n`);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + (osSignal(signal) ?? 0) : 1)));
  });
}

function osSignal(name: NodeJS.Signals): number | undefined {
  return constants.signals[name];
}

export async function runInNewNetns(o: RunOptions): Promise<number> {
  const lists = await resolveNetworks(o.nets, o.confDir);
  const id = `cni-run-${randomBytes(6).toString('hex')}`;
  let pluginDir: PluginDir | undefined;
  const cniPath = o.cniPath ?? [(pluginDir = makePrivatePluginDir(o.executable)).dir];
  const cni = new CNIConfig({ path: cniPath, cacheDir: o.cacheDir, exec: o.exec });
  const nsPath = createNamedNetns(id);
  const attached: { list: NetworkConfigList; rt: RuntimeConf }[] = [];
  let stopping = false;
  const onSignal = () => {
    stopping = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (const [i, list] of lists.entries()) {
      if (stopping) return 130;
      const rt: RuntimeConf = { containerId: id, netns: nsPath, ifName: `eth${i}` };
      attached.push({ list, rt });
      const added = await cni.addNetworkList(list, rt);
      if (o.verbose) o.stderr(`cni run: ${list.name} on ${rt.ifName}\n${formatResultSummary(added.result)}`);
    }
    if (stopping) return 130;
    const child = withNetns(nsPath, () => spawn(o.command[0]!, o.command.slice(1), { stdio: 'inherit' }));
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const fInt = forward('SIGINT');
    const fTerm = forward('SIGTERM');
    process.on('SIGINT', fInt);
    process.on('SIGTERM', fTerm);
    try {
      return await waitForExit(child);
    } finally {
      process.off('SIGINT', fInt);
      process.off('SIGTERM', fTerm);
    }
  } finally {
    for (const { list, rt } of attached.reverse()) {
      try {
        await cni.delNetworkList(list, rt);
      } catch (err) {
        o.stderr(`cni run: DEL of ${list.name} failed: ${(err as Error).message}\n`);
      }
    }
    deleteNamedNetns(id);
    if (attached.some(({ list }) => list.name === DEFAULT_NETWORK_NAME)) await dropUnusedMasquerade(o.stderr);
    pluginDir?.[Symbol.dispose]();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * After the default network's last DEL, its masquerading leaves nothing behind: each DEL removed
 * its container's rule; the shared nftables table goes too once no attachment (of any network)
 * has a rule in it. (iptables masquerading keeps no shared state: each DEL removed its chain.)
 */
async function dropUnusedMasquerade(stderr: (s: string) => void): Promise<void> {
  try {
    const { removeMasqTableIfUnused } = await import('../lib/ipmasq/nftables-backend.js');
    removeMasqTableIfUnused();
  } catch (err) {
    stderr(`cni run: could not remove the unused masquerade table: ${(err as Error).message}\n`);
  }
}
