/**
 * Shared fixtures of the bridge and ptp integration tests: private subnets unique per run, a
 * per-test bridge name, a host-local dataDir in a temp dir, optionally a private "host" namespace
 * in which the plugins run (so the real host is never touched), an async plugin run (for
 * concurrent ADDs) and probes of kernel state. Everything made here is removed by `cleanup()`.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomInt } from 'node:crypto';
import type { CniBinDir, PluginCall, PluginRun } from './cni.js';
import { makeNetns, type TestNetns } from './netns.js';
import { sh, shOk, ipJson } from './sh.js';
import { uniqueSuffix } from './env.js';

export interface Subnets {
  /** "10.A.B.0/24" with A in 200..250. */
  v4: string;
  /** "fd00:X:Y::/64". */
  v6: string;
  /** "10.A.B." */
  v4Prefix: string;
  /** "fd00:X:Y::" */
  v6Prefix: string;
}

export function uniqueSubnets(): Subnets {
  const a = randomInt(200, 251);
  const b = randomInt(0, 256);
  const x = randomInt(1, 0xffff).toString(16);
  const y = randomInt(1, 0xffff).toString(16);
  return { v4: `10.${a}.${b}.0/24`, v6: `fd00:${x}:${y}::/64`, v4Prefix: `10.${a}.${b}.`, v6Prefix: `fd00:${x}:${y}::` };
}

export interface FixtureOptions {
  /**
   * Give the fixture a private "host" network namespace: plugins run there (`fx.run`,
   * `fx.runAsync`), so the bridge, host veths, gateway addresses, host routes and forwarding
   * sysctls never reach the real host; `fx.host` looks there. Without it `fx.host` is the real
   * host (for callers that run plugins in a namespace of their own).
   */
  hostNetns?: boolean;
}

/** One test's world: namespaces, a bridge name, a dataDir; cleanup() undoes all of it. */
export class Fixture {
  readonly suffix = uniqueSuffix();
  readonly bridge = `cnib-${this.suffix}`;
  readonly net = uniqueSubnets();
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-br-data-'));
  readonly name = `brnet-${this.suffix}`;
  /** The host side as the plugins see it: the private host namespace, or the real host. */
  readonly host: HostSide;
  private readonly namespaces: TestNetns[] = [];
  private readonly links: string[] = [this.bridge];

  constructor(opts: FixtureOptions = {}) {
    if (!opts.hostNetns) {
      this.host = new HostSide();
      return;
    }
    const ns = makeNetns('cnibh');
    this.namespaces.push(ns);
    ns.execOk('ip', ['link', 'set', 'lo', 'up']);
    this.host = new HostSide(ns);
  }

  netns(): TestNetns {
    const ns = makeNetns('cnib');
    this.namespaces.push(ns);
    return ns;
  }

  /** Also delete this host link in cleanup (e.g. a VLAN gateway interface). */
  ownLink(name: string): void {
    this.links.push(name);
  }

  /** host-local ipam over this fixture's subnets. */
  ipam(families: ('4' | '6')[] = ['4'], extra: Record<string, unknown> = {}): Record<string, unknown> {
    const ranges = families.map((f) => [{ subnet: f === '4' ? this.net.v4 : this.net.v6 }]);
    return { type: 'host-local', dataDir: this.dataDir, ranges, ...extra };
  }

  bridgeConf(cniVersion: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { cniVersion, name: this.name, type: 'bridge', bridge: this.bridge, ipam: this.ipam(), ...extra };
  }

  /** Run a plugin where this fixture's host is (inside the private host namespace if it has one). */
  run(bin: CniBinDir, plugin: string, call: PluginCall): PluginRun {
    return bin.run(plugin, this.onHost(call));
  }

  /** run(), without waiting: for concurrent invocations. */
  runAsync(bin: CniBinDir, plugin: string, call: PluginCall): Promise<PluginRun> {
    return runAsync(bin, plugin, this.onHost(call));
  }

  private onHost(call: PluginCall): PluginCall {
    return this.host.ns ? { ...call, inNetns: this.host.ns.name } : call;
  }

  /** Addresses reserved by host-local for this network (files other than lock/last_reserved_ip.*). */
  reservations(): string[] {
    return hostLocalReservations(this.dataDir, this.name);
  }

  cleanup(): void {
    // Containers first, the private host namespace (made first) last.
    for (const ns of [...this.namespaces].reverse()) ns.remove();
    // Links in a private host namespace went with it; only real-host links need deleting.
    if (!this.host.ns) for (const l of this.links) sh('ip', ['link', 'del', l]);
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * Probes of the host side (a private host namespace, or the real host when `ns` is undefined):
 * the same questions the free functions below answer, without a netns argument to forget.
 */
export class HostSide {
  constructor(readonly ns?: TestNetns) {}

  private get netns(): string | undefined {
    return this.ns?.name;
  }

  /** Run a command there; throws with its output on failure. */
  execOk(cmd: string, args: string[]): string {
    return this.ns ? this.ns.execOk(cmd, args) : shOk(cmd, args);
  }

  /** A sysctl there, by path key (e.g. 'net/ipv4/ip_forward'). */
  sysctl(key: string): string {
    return this.execOk('cat', [`/proc/sys/${key}`]).trim();
  }

  /** ping from there; retried while IPv6 DAD may still hold the target. */
  ping(addr: string, attempts = 5): boolean {
    if (this.ns) return ping(this.ns, addr, attempts);
    for (let i = 0; i < attempts; i++) {
      if (sh('ping', ['-c1', '-W2', addr]).code === 0) return true;
      sh('sleep', ['0.5']);
    }
    return false;
  }

  link(name: string): any {
    return linkDetails(name, this.netns);
  }

  linkExists(name: string): boolean {
    return linkExists(name, this.netns);
  }

  bridgePorts(bridge: string): string[] {
    return bridgePorts(bridge, this.netns);
  }

  addresses(dev: string, family: 'inet' | 'inet6'): string[] {
    return addresses(dev, family, this.netns);
  }

  routes(family: '4' | '6'): any[] {
    return routes(family, this.netns);
  }

  portVlans(dev: string): { vlan: number; vlanEnd?: number; flags?: string[] }[] {
    return portVlans(dev, this.netns);
  }
}

/** CniBinDir.run, but asynchronous: several plugins run at the same time (honours `inNetns`). */
export function runAsync(bin: CniBinDir, plugin: string, call: PluginCall): Promise<PluginRun> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', CNI_COMMAND: call.command, CNI_PATH: bin.dir, ...call.env };
  if (call.containerId !== undefined) env.CNI_CONTAINERID = call.containerId;
  if (call.netns !== undefined) env.CNI_NETNS = call.netns;
  if (call.ifName !== undefined) env.CNI_IFNAME = call.ifName;
  if (call.args !== undefined) env.CNI_ARGS = call.args;
  const input = typeof call.config === 'string' ? call.config : JSON.stringify(call.config ?? {});
  const file = path.join(bin.dir, plugin);
  const [cmd, ...argv] = call.inNetns ? ['ip', 'netns', 'exec', call.inNetns, file] : [file];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd!, argv, { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      let json: any;
      try {
        json = stdout.trim() ? JSON.parse(stdout) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ code: code ?? -1, stdout, stderr, json });
    });
    child.stdin.end(input);
  });
}

/** Addresses host-local reserved for `network` under `dataDir` (files other than lock/last_reserved_ip.*). */
export function hostLocalReservations(dataDir: string, network: string): string[] {
  const dir = path.join(dataDir, network);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f !== 'lock' && !f.startsWith('last_reserved_ip'));
}

/** ping from a namespace; retried while IPv6 DAD may still hold the target. */
export function ping(ns: TestNetns, addr: string, attempts = 5): boolean {
  for (let i = 0; i < attempts; i++) {
    if (ns.exec('ping', ['-c1', '-W2', addr]).code === 0) return true;
    sh('sleep', ['0.5']);
  }
  return false;
}

/** `ip -d -j link show dev X` (host) or in a namespace. */
export function linkDetails(name: string, netns?: string): any {
  const [link] = ipJson<any[]>(['-d', 'link', 'show', 'dev', name], netns);
  return link;
}

export function linkExists(name: string, netns?: string): boolean {
  const args = netns ? ['-n', netns, 'link', 'show', 'dev', name] : ['link', 'show', 'dev', name];
  return sh('ip', args).code === 0;
}

/** Names of the links enslaved to a bridge, on the host or in a namespace. */
export function bridgePorts(bridge: string, netns?: string): string[] {
  return ipJson<any[]>(['link', 'show', 'master', bridge], netns).map((l) => l.ifname as string);
}

/** `ip -j addr show dev X` as "addr/prefix" strings of one family. */
export function addresses(dev: string, family: 'inet' | 'inet6', netns?: string): string[] {
  const [link] = ipJson<any[]>(['addr', 'show', 'dev', dev], netns);
  return (link?.addr_info ?? []).filter((a: any) => a.family === family).map((a: any) => `${a.local}/${a.prefixlen}`);
}

/** Routes of a family in a namespace (or the host) as `ip -j route` objects. */
export function routes(family: '4' | '6', netns?: string): any[] {
  return ipJson<any[]>([`-${family}`, 'route', 'show'], netns);
}

/** `bridge -j vlan show dev X`: the VLAN entries of one port (on the host or in a namespace). */
export function portVlans(dev: string, netns?: string): { vlan: number; vlanEnd?: number; flags?: string[] }[] {
  const r = sh('bridge', [...(netns ? ['-n', netns] : []), '-j', 'vlan', 'show', 'dev', dev]);
  if (r.code !== 0) throw new Error(`bridge vlan show failed: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout || '[]') as any[];
  return parsed.flatMap((e) => e.vlans ?? []);
}
