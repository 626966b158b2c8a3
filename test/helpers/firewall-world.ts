/**
 * The firewall integration tests' world: a dedicated "host" namespace in which the bridges live
 * and every plugin runs (`ip netns exec HOST <CNI_PATH>/<plugin>`), so the real host's filter
 * table and forwarding policy are never touched; container namespaces attached with bridge +
 * host-local, and the firewall plugin chained after them with the bridge result as prevResult.
 * cleanup() removes every namespace, and with the host namespace all rules and bridges.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { configInput, type CniBinDir, type PluginRun } from './cni.js';
import { Fixture } from './bridge.js';
import { makeNetns, type TestNetns } from './netns.js';

export type BackendName = 'nftables' | 'iptables';

export interface Container {
  ns: TestNetns;
  containerId: string;
  fx: Fixture;
  /** The bridge plugin's ADD result (the firewall's prevResult). */
  result: any;
  v4: string;
  v6: string;
}

export const NFT_TABLE = 'inet cni_plugins_firewall';

export interface PluginCallIn {
  command: string;
  containerId: string;
  netns?: string;
  ifName?: string;
  config: object;
}

function parseJson(stdout: string): any {
  try {
    return stdout.trim() ? JSON.parse(stdout) : undefined;
  } catch {
    return undefined;
  }
}

export class World {
  readonly host: TestNetns = makeNetns('fwh');
  private readonly fixtures: Fixture[] = [];

  constructor(private readonly bin: CniBinDir) {}

  /** A network (bridge + subnets) whose subnets differ from every other network's. */
  network(): Fixture {
    for (;;) {
      const fx = new Fixture();
      if (!this.fixtures.some((o) => o.net.v4 === fx.net.v4 || o.net.v6 === fx.net.v6)) {
        this.fixtures.push(fx);
        return fx;
      }
      fx.cleanup();
    }
  }

  /** Run a plugin of CNI_PATH inside the host namespace. */
  run(plugin: string, call: PluginCallIn): PluginRun {
    const r = spawnSync('ip', ['netns', 'exec', this.host.name, path.join(this.bin.dir, plugin)], { env: this.env(call), input: configInput(call.config), encoding: 'utf8', timeout: 60_000 });
    if (r.error) throw r.error;
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: parseJson(r.stdout) };
  }

  /** run(), without waiting: for concurrent invocations. */
  runAsync(plugin: string, call: PluginCallIn): Promise<PluginRun> {
    return new Promise((resolve, reject) => {
      const child = spawn('ip', ['netns', 'exec', this.host.name, path.join(this.bin.dir, plugin)], { env: this.env(call) });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c) => (stdout += c));
      child.stderr.on('data', (c) => (stderr += c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, json: parseJson(stdout) }));
      child.stdin.end(configInput(call.config));
    });
  }

  private env(call: PluginCallIn): Record<string, string> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      CNI_COMMAND: call.command,
      CNI_CONTAINERID: call.containerId,
      CNI_IFNAME: call.ifName ?? 'eth0',
      CNI_PATH: this.bin.dir,
    };
    if (call.netns !== undefined) env.CNI_NETNS = call.netns;
    return env;
  }

  /** A container on the network's bridge (gateway = the bridge, dual stack), without firewall rules yet. */
  container(fx: Fixture, label: string): Container {
    const ns = fx.netns();
    const containerId = `fw-${label}-${fx.suffix}`;
    const config = fx.bridgeConf('1.0.0', { isDefaultGateway: true, ipam: fx.ipam(['4', '6']) });
    const r = this.run('bridge', { command: 'ADD', containerId, netns: ns.path, config });
    if (r.code !== 0) throw new Error(`bridge ADD ${label}: ${r.stdout}${r.stderr}`);
    const addr = (v6: boolean) => (r.json.ips as any[]).find((i) => i.address.includes(':') === v6).address.split('/')[0] as string;
    return { ns, containerId, fx, result: r.json, v4: addr(false), v6: addr(true) };
  }

  /** The firewall plugin's configuration for a container (prevResult = its bridge result). */
  firewallConf(c: Container, backend: BackendName, extra: Record<string, unknown> = {}, withPrev = true): Record<string, unknown> {
    return { cniVersion: '1.0.0', name: c.fx.name, type: 'firewall', backend, ...extra, ...(withPrev ? { prevResult: c.result } : {}) };
  }

  firewall(command: 'ADD' | 'DEL' | 'CHECK', c: Container, backend: BackendName, extra: Record<string, unknown> = {}, opts: { withPrev?: boolean; netns?: boolean } = {}): PluginRun {
    const config = this.firewallConf(c, backend, extra, opts.withPrev ?? true);
    return this.run('firewall', { command, containerId: c.containerId, config, ...(opts.netns === false ? {} : { netns: c.ns.path }) });
  }

  gc(backend: BackendName, network: string, valid: Container[], extra: Record<string, unknown> = {}): PluginRun {
    const config = {
      cniVersion: '1.1.0',
      name: network,
      type: 'firewall',
      backend,
      ...extra,
      'cni.dev/valid-attachments': valid.map((c) => ({ containerID: c.containerId, ifname: 'eth0' })),
    };
    return this.run('firewall', { command: 'GC', containerId: 'gc', config });
  }

  /** Run a command in the host namespace; throws on failure. */
  hostOk(cmd: string, args: string[]): string {
    return this.host.execOk(cmd, args);
  }

  /** What the backend's tool prints for the host namespace. */
  dump(backend: BackendName): string {
    if (backend === 'nftables') {
      const r = this.host.exec('nft', ['list', 'table', ...NFT_TABLE.split(' ')]);
      return r.code === 0 ? r.stdout : '';
    }
    return `${this.hostOk('iptables-save', ['-t', 'filter'])}${this.hostOk('ip6tables-save', ['-t', 'filter'])}`;
  }

  /**
   * Make the host's forward path drop by default, so that only the firewall's accept rules let
   * container traffic through. iptables: FORWARD policy DROP (both families). nftables: our
   * table's forward chain created up front with policy drop (an accept in another table could
   * not override a drop elsewhere); ADD must keep that policy.
   */
  forwardPolicyDrop(backend: BackendName): void {
    if (backend === 'iptables') {
      this.hostOk('iptables', ['-P', 'FORWARD', 'DROP']);
      this.hostOk('ip6tables', ['-P', 'FORWARD', 'DROP']);
      return;
    }
    this.hostOk('nft', ['add', 'table', ...NFT_TABLE.split(' ')]);
    this.hostOk('nft', ['add', 'chain', ...NFT_TABLE.split(' '), 'forward', '{ type filter hook forward priority filter; policy drop; }']);
  }

  /** The administrator drops traffic to `addr` in the admin chain. */
  adminDrop(backend: BackendName, addr: string): void {
    const v6 = addr.includes(':');
    if (backend === 'iptables') this.hostOk(v6 ? 'ip6tables' : 'iptables', ['-A', 'CNI-ADMIN', '-d', addr, '-j', 'DROP']);
    else this.hostOk('nft', ['add', 'rule', ...NFT_TABLE.split(' '), 'admin', v6 ? 'ip6' : 'ip', 'daddr', addr, 'drop']);
  }

  adminFlush(backend: BackendName): void {
    if (backend === 'iptables') {
      this.hostOk('iptables', ['-F', 'CNI-ADMIN']);
      this.hostOk('ip6tables', ['-F', 'CNI-ADMIN']);
    } else this.hostOk('nft', ['flush', 'chain', ...NFT_TABLE.split(' '), 'admin']);
  }

  cleanup(): void {
    for (const fx of this.fixtures) fx.cleanup();
    this.host.remove();
  }
}

/** ping that is expected to work: a few attempts (IPv6 DAD on the gateway may still be running). */
export function reaches(from: Container, addr: string, attempts = 5): boolean {
  for (let i = 0; i < attempts; i++) {
    if (from.ns.exec('ping', ['-c1', '-W1', addr]).code === 0) return true;
    spawnSync('sleep', ['0.3']);
  }
  return false;
}

/** ping that is expected to fail: one short attempt (callers first prove the path works). */
export function blocked(from: Container, addr: string): boolean {
  return from.ns.exec('ping', ['-c1', '-W1', addr]).code !== 0;
}
