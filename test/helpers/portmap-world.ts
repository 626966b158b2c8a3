/**
 * A private "host" for the portmap tests: everything runs inside a HOSTNS namespace made here
 * (`ip netns exec HOSTNS <plugin symlink>`), so the bridge, the nat rules, conntrack and the
 * sysctls are the test's own and the real host's tables are never touched. "From the host"
 * and "from localhost" mean from inside HOSTNS. Around it: containers on a bridge (bridge +
 * host-local ADD, then portmap ADD with the bridge result as prevResult, as a runtime chains
 * them) and a "peer" namespace that reaches the host over its own veth link, like another
 * machine or a container of another network. Servers are socat processes in the containers.
 * cleanup() kills the servers and removes every namespace and the host-local dataDir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configInput, type CniBinDir, type PluginCall, type PluginRun } from './cni.js';
import { uniqueSubnets, type Subnets } from './bridge.js';
import { uniqueSuffix } from './env.js';
import { makeNetns, type TestNetns } from './netns.js';
import { sh } from './sh.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Container {
  ns: TestNetns;
  id: string;
  /** The bridge ADD result: portmap's prevResult. */
  result: any;
  v4: string;
  v6?: string;
}

export interface Mapping {
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp' | 'sctp';
  hostIP?: string;
}

/** Host ports unique per test run, so parallel test files never collide (they are in separate namespaces anyway). */
export function portBase(): number {
  return 20000 + Math.floor(Math.random() * 400) * 100;
}

export class PortmapWorld {
  readonly suffix = uniqueSuffix();
  readonly host: TestNetns;
  readonly peer: TestNetns;
  readonly bridge = `cnpm-${this.suffix}`;
  readonly name = `pmnet-${this.suffix}`;
  readonly net: Subnets = uniqueSubnets();
  readonly peerNet: Subnets = uniqueSubnets();
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-portmap-data-'));
  /** The host's address on the peer link (a host address that is not the bridge's). */
  readonly hostV4: string;
  readonly hostV6: string;
  /** The bridge's gateway addresses (host addresses too). */
  readonly gwV4: string;
  readonly gwV6: string;
  private readonly namespaces: TestNetns[] = [];
  private readonly servers: ChildProcess[] = [];

  constructor(readonly families: ('4' | '6')[] = ['4']) {
    this.host = this.track(makeNetns('cnpmh'));
    this.host.execOk('ip', ['link', 'set', 'lo', 'up']);
    // Addresses are usable at once (no IPv6 DAD on new links).
    for (const key of ['net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.all.accept_dad=0']) this.host.execOk('sysctl', ['-qw', key]);
    this.gwV4 = `${this.net.v4Prefix}1`;
    this.gwV6 = `${this.net.v6Prefix}1`;
    this.hostV4 = `${this.peerNet.v4Prefix}1`;
    this.hostV6 = `${this.peerNet.v6Prefix}1`;
    this.peer = this.track(makeNetns('cnpmp'));
    const hostIf = `pv-${this.suffix}`;
    this.host.execOk('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'p0', 'netns', this.peer.name]);
    this.host.execOk('ip', ['addr', 'add', `${this.hostV4}/24`, 'dev', hostIf]);
    this.host.execOk('ip', ['addr', 'add', `${this.hostV6}/64`, 'dev', hostIf, 'nodad']);
    this.host.execOk('ip', ['link', 'set', hostIf, 'up']);
    this.peer.execOk('ip', ['link', 'set', 'lo', 'up']);
    this.peer.execOk('ip', ['addr', 'add', `${this.peerNet.v4Prefix}2/24`, 'dev', 'p0']);
    this.peer.execOk('ip', ['addr', 'add', `${this.peerNet.v6Prefix}2/64`, 'dev', 'p0', 'nodad']);
    this.peer.execOk('ip', ['link', 'set', 'p0', 'up']);
  }

  private track(ns: TestNetns): TestNetns {
    this.namespaces.push(ns);
    return ns;
  }

  ipam(): Record<string, unknown> {
    return { type: 'host-local', dataDir: this.dataDir, ranges: this.families.map((f) => [{ subnet: f === '4' ? this.net.v4 : this.net.v6 }]) };
  }

  /** bridge with gateway and hairpin (a container reaching its own host port needs hairpin). */
  bridgeConf(): Record<string, unknown> {
    return { cniVersion: '1.1.0', name: this.name, type: 'bridge', bridge: this.bridge, isGateway: true, isDefaultGateway: true, hairpinMode: true, ipam: this.ipam() };
  }

  portmapConf(mappings: Mapping[], extra: Record<string, unknown> = {}, prevResult?: unknown): Record<string, unknown> {
    const conf: Record<string, unknown> = { cniVersion: '1.1.0', name: this.name, type: 'portmap', runtimeConfig: { portMappings: mappings }, ...extra };
    if (prevResult !== undefined) conf.prevResult = prevResult;
    return conf;
  }

  /** Run a plugin (through the CNI_PATH symlink, or any executable path) inside HOSTNS. */
  run(bin: CniBinDir | string, plugin: string, call: PluginCall): PluginRun {
    const dir = typeof bin === 'string' ? bin : bin.dir;
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', CNI_COMMAND: call.command, CNI_PATH: dir, ...call.env };
    if (call.containerId !== undefined) env.CNI_CONTAINERID = call.containerId;
    if (call.netns !== undefined) env.CNI_NETNS = call.netns;
    if (call.ifName !== undefined) env.CNI_IFNAME = call.ifName;
    if (call.args !== undefined) env.CNI_ARGS = call.args;
    const input = configInput(call.config);
    const r = sh('ip', ['netns', 'exec', this.host.name, path.join(dir, plugin)], { env, input });
    let json: any;
    try {
      json = r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
    } catch {
      json = undefined;
    }
    return { code: r.code, stdout: r.stdout, stderr: r.stderr, json };
  }

  /** A container attached by bridge (+ host-local). */
  container(bin: CniBinDir, tag: string): Container {
    const ns = this.track(makeNetns('cnpmc'));
    ns.execOk('ip', ['link', 'set', 'lo', 'up']);
    const id = `pm-${tag}-${this.suffix}`;
    const r = this.run(bin, 'bridge', { command: 'ADD', containerId: id, netns: ns.path, ifName: 'eth0', config: this.bridgeConf() });
    if (r.code !== 0) throw new Error(`bridge ADD failed: ${r.stdout}${r.stderr}`);
    const ips: string[] = r.json.ips.map((i: any) => String(i.address).split('/')[0]);
    return { ns, id, result: r.json, v4: ips.find((a) => a.includes('.'))!, v6: ips.find((a) => a.includes(':')) };
  }

  portmap(bin: CniBinDir, command: string, c: Pick<Container, 'id' | 'ns'>, conf: Record<string, unknown>, opts: { netns?: string } = {}): PluginRun {
    return this.run(bin, 'portmap', { command, containerId: c.id, netns: opts.netns ?? c.ns.path, ifName: 'eth0', config: conf });
  }

  /** A socat server in `ns` answering every connection or datagram with `reply`. */
  async serve(ns: TestNetns, proto: 'tcp' | 'udp', port: number, reply: string): Promise<void> {
    await serveSocat(ns, proto, port, reply, this.servers);
  }

  /** What a client in `from` gets back from addr:port ('' when nothing came back). */
  request(from: TestNetns, proto: 'tcp' | 'udp', addr: string, port: number, opts: { sourcePort?: number; timeout?: number } = {}): string {
    return requestSocat(from, proto, addr, port, opts);
  }

  nftRuleset(): string {
    return this.host.execOk('nft', ['list', 'ruleset']);
  }

  /** `iptables-save -t nat` (or ip6tables-save) of HOSTNS without the comment lines. */
  iptablesNat(family: 4 | 6 = 4): string {
    const out = this.host.execOk(family === 6 ? 'ip6tables-save' : 'iptables-save', ['-t', 'nat']);
    return out
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n');
  }

  /** UDP conntrack entries of HOSTNS with this original destination port (`conntrack -L` lines). */
  udpConntrack(port: number, family: 4 | 6 = 4): string[] {
    const r = this.host.exec('conntrack', ['-L', '-f', family === 4 ? 'ipv4' : 'ipv6', '-p', 'udp', '--orig-port-dst', String(port)]);
    return r.stdout.split('\n').filter((l) => l.startsWith('udp'));
  }

  async cleanup(): Promise<void> {
    for (const s of this.servers) {
      try {
        if (s.pid) process.kill(-s.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await sleep(50);
    for (const ns of this.namespaces) ns.remove();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * Bench hook: the "bridge(ipMasq)+portmap" configuration list and the capability arguments a
 * runtime passes with it (RuntimeConf.capabilityArgs), the same for the Go reference (which
 * ignores `backend` in older releases and writes iptables) and for this binary. Run it in a
 * private namespace (e.g. the whole bench process under `ip netns exec`): both sides change the
 * nat table of the namespace they run in.
 */
export function bridgePortmapChain(opts: {
  cniVersion: string;
  name: string;
  bridge: string;
  subnet: string;
  dataDir: string;
  hostPort: number;
  backend?: 'nftables' | 'iptables';
}): { conflist: Record<string, unknown>; capabilityArgs: { portMappings: Mapping[] } } {
  const portmap: Record<string, unknown> = { type: 'portmap', capabilities: { portMappings: true } };
  if (opts.backend) portmap.backend = opts.backend;
  return {
    conflist: {
      cniVersion: opts.cniVersion,
      name: opts.name,
      plugins: [
        { type: 'bridge', bridge: opts.bridge, isGateway: true, ipMasq: true, hairpinMode: true, ipam: { type: 'host-local', dataDir: opts.dataDir, ranges: [[{ subnet: opts.subnet }]] } },
        portmap,
      ],
    },
    capabilityArgs: {
      portMappings: [
        { hostPort: opts.hostPort, containerPort: 80, protocol: 'tcp' },
        { hostPort: opts.hostPort + 1, containerPort: 53, protocol: 'udp' },
      ],
    },
  };
}

/**
 * A socat server in `ns` answering every connection or datagram with `reply`, started and tracked
 * in `servers` (kill each with process.kill(-pid)); resolves once it listens.
 */
export async function serveSocat(ns: TestNetns, proto: 'tcp' | 'udp', port: number, reply: string, servers: ChildProcess[]): Promise<void> {
  const listen = proto === 'tcp' ? `TCP6-LISTEN:${port},fork,reuseaddr,ipv6only=0` : `UDP6-RECVFROM:${port},fork,ipv6only=0`;
  // Read the request first: a TCP socket closed with unread data sends RST, which can destroy the reply.
  const child = spawn('ip', ['netns', 'exec', ns.name, 'socat', listen, `SYSTEM:read line; echo ${reply}`], { stdio: 'ignore', detached: true });
  servers.push(child);
  const flag = proto === 'tcp' ? '-tlnH' : '-ulnH';
  for (let i = 0; i < 100; i++) {
    if (new RegExp(`:${port}\\b`).test(ns.exec('ss', [flag]).stdout)) return;
    await sleep(30);
  }
  throw new Error(`socat ${proto} server on port ${port} did not start`);
}

/** What a client in `from` gets back from addr:port ('' when nothing came back). */
export function requestSocat(from: TestNetns, proto: 'tcp' | 'udp', addr: string, port: number, opts: { sourcePort?: number; timeout?: number } = {}): string {
  const wait = opts.timeout ?? 3;
  if (proto === 'udp') return udpRequest(from, addr, port, wait, opts.sourcePort);
  const host = addr.includes(':') ? `[${addr}]` : addr;
  const kind = `TCP${addr.includes(':') ? '6' : '4'}`;
  const src = opts.sourcePort ? `,sourceport=${opts.sourcePort},reuseaddr` : '';
  // -t: after our EOF (the request is sent), how long to wait for the reply (default only 0.5 s).
  try {
    const r = sh('ip', ['netns', 'exec', from.name, 'socat', '-T', String(wait), '-t', String(wait), '-', `${kind}:${host}:${port}${src}`], { input: 'ping\n', timeout: 15_000 });
    return r.stdout.trim();
  } catch (err) {
    // socat gave up (e.g. connection refused) before reading the request: no answer.
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return '';
    throw err;
  }
}

/** One datagram out, the first answer back (socat would wait for its timeout after the answer). */
function udpRequest(from: TestNetns, addr: string, port: number, wait: number, sourcePort = 0): string {
  const script = `
    const s = require('node:dgram').createSocket(${JSON.stringify(addr.includes(':') ? 'udp6' : 'udp4')});
    s.on('message', (m) => { process.stdout.write(m); process.exit(0); });
    s.bind(${sourcePort}, () => s.send('ping\\n', ${port}, ${JSON.stringify(addr)}));
    setTimeout(() => process.exit(0), ${wait * 1000});`;
  const r = sh('ip', ['netns', 'exec', from.name, process.execPath, '-e', script], { timeout: 15_000 });
  return r.stdout.trim();
}
