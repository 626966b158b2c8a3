/**
 * A private "host" for plugin tests that touch netfilter: the plugin runs under
 * `ip netns exec HOSTNS`, so its bridge, host veths, sysctls and nat rules live in a namespace the
 * test made, never in the real host's tables. Containers and a "peer" (a machine beyond the host,
 * on its own subnet with no route back to the containers) are further namespaces. cleanup()
 * removes every namespace and the host-local dataDir.
 *
 * Also: a bare host namespace for runtimes (`cni exec`, `cni run`) run under `ip netns exec`, and
 * RealHostGuard, which checks that a test file left the real host's network state as it found it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as assert from 'uvu/assert';
import type { CniBinDir, PluginCall, PluginRun } from './cni.js';
import { makeNetns, type TestNetns } from './netns.js';
import { ipJson, sh } from './sh.js';
import { uniqueSuffix } from './env.js';
import { uniqueSubnets, type Subnets } from './bridge.js';
import { IpAddress } from '../../src/lib/ip/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Peer {
  ns: TestNetns;
  /** The host's address on the peer link: what masquerading rewrites sources to. */
  hostV4: string;
  hostV6: string;
  peerV4: string;
  peerV6: string;
}

export class HostNsFixture {
  readonly suffix = uniqueSuffix();
  readonly host: TestNetns;
  readonly bridge = `cnih-${this.suffix}`;
  readonly name = `hostnet-${this.suffix}`;
  readonly net: Subnets = uniqueSubnets();
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-hostns-data-'));
  private readonly namespaces: TestNetns[] = [];

  constructor() {
    this.host = this.track(makeNetns('cnih'));
    this.host.execOk('ip', ['link', 'set', 'lo', 'up']);
    // New links (the bridge) skip IPv6 DAD: addresses are usable at once.
    for (const key of ['net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.all.accept_dad=0']) this.host.execOk('sysctl', ['-qw', key]);
  }

  private track(ns: TestNetns): TestNetns {
    this.namespaces.push(ns);
    return ns;
  }

  /** A container namespace (lo up). */
  netns(): TestNetns {
    const ns = this.track(makeNetns('cnic'));
    ns.execOk('ip', ['link', 'set', 'lo', 'up']);
    return ns;
  }

  /** A peer namespace linked to the host by a veth, on its own subnets, with no route back. */
  peer(): Peer {
    const ns = this.track(makeNetns('cnip'));
    const sub = uniqueSubnets();
    const hostIf = `pv-${this.suffix}`;
    const p: Peer = { ns, hostV4: `${sub.v4Prefix}1`, peerV4: `${sub.v4Prefix}2`, hostV6: `${sub.v6Prefix}1`, peerV6: `${sub.v6Prefix}2` };
    this.host.execOk('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'p0', 'netns', ns.name]);
    this.host.execOk('ip', ['addr', 'add', `${p.hostV4}/24`, 'dev', hostIf]);
    this.host.execOk('ip', ['addr', 'add', `${p.hostV6}/64`, 'dev', hostIf, 'nodad']);
    this.host.execOk('ip', ['link', 'set', hostIf, 'up']);
    ns.execOk('ip', ['addr', 'add', `${p.peerV4}/24`, 'dev', 'p0']);
    ns.execOk('ip', ['addr', 'add', `${p.peerV6}/64`, 'dev', 'p0', 'nodad']);
    ns.execOk('ip', ['link', 'set', 'p0', 'up']);
    ns.execOk('ip', ['link', 'set', 'lo', 'up']);
    return p;
  }

  /** host-local ipam over this fixture's subnets. */
  ipam(families: ('4' | '6')[] = ['4']): Record<string, unknown> {
    const ranges = families.map((f) => [{ subnet: f === '4' ? this.net.v4 : this.net.v6 }]);
    return { type: 'host-local', dataDir: this.dataDir, ranges };
  }

  bridgeConf(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { cniVersion: '1.1.0', name: this.name, type: 'bridge', bridge: this.bridge, ipam: this.ipam(), ...extra };
  }

  ptpConf(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { cniVersion: '1.1.0', name: this.name, type: 'ptp', ipam: this.ipam(), ...extra };
  }

  /** Run a plugin (through the CNI_PATH symlink) inside the host namespace. */
  run(bin: CniBinDir, plugin: string, call: PluginCall): PluginRun {
    return bin.run(plugin, { ...call, inNetns: this.host.name });
  }

  /** `nft list ruleset` of the host namespace. */
  nftRuleset(): string {
    return this.host.execOk('nft', ['list', 'ruleset']);
  }

  /** `iptables-save -t nat` (or ip6tables-save) of the host namespace, without comment lines. */
  iptablesNat(family: 4 | 6): string {
    const out = this.host.execOk(family === 6 ? 'ip6tables-save' : 'iptables-save', ['-t', 'nat']);
    return out
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n');
  }

  cleanup(): void {
    for (const ns of this.namespaces.reverse()) ns.remove();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * Ask the peer which source address it sees for UDP from `from`: a one-shot socat responder on
 * the peer answers with $SOCAT_PEERADDR (returned in canonical text form). '' when no answer came
 * back (e.g. not masqueraded: the peer has no route to the container). Fresh IPv6 links may drop
 * the first packets for a second or two, so an empty answer is retried up to `attempts` times.
 * Bounded: 3 s for each responder, 2 s for each client.
 */
export async function sourceSeenByPeer(from: TestNetns, peer: Peer, family: 4 | 6, attempts = 3): Promise<string> {
  for (let i = 1; ; i++) {
    const seen = await askPeerOnce(from, peer, family);
    if (seen || i >= attempts) return seen;
  }
}

async function askPeerOnce(from: TestNetns, peer: Peer, family: 4 | 6, port = 7777): Promise<string> {
  const listen = family === 4 ? `UDP4-RECVFROM:${port}` : `UDP6-RECVFROM:${port}`;
  const listener = spawn('ip', ['netns', 'exec', peer.ns.name, 'socat', '-T', '3', listen, 'SYSTEM:echo "$SOCAT_PEERADDR"'], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 50 && !new RegExp(`:${port}\\b`).test(peer.ns.exec('ss', ['-uln']).stdout); i++) await sleep(50);
    const target = family === 4 ? `UDP4:${peer.peerV4}:${port}` : `UDP6:[${peer.peerV6}]:${port}`;
    const r = sh('ip', ['netns', 'exec', from.name, 'socat', '-T', '2', '-', target], { input: 'who am i\n' });
    const text = r.stdout.trim().replace(/^\[(.*)\]$/, '$1');
    return IpAddress.tryParse(text)?.toString() ?? text;
  } finally {
    listener.kill();
    await new Promise((r) => (listener.exitCode !== null || listener.signalCode !== null ? r(null) : listener.once('exit', r)));
  }
}

/** A bare private "host" namespace (lo up) for a runtime run under `ip netns exec` to act in. */
export function makeHostNetns(prefix = 'cnih'): TestNetns {
  const ns = makeNetns(prefix);
  try {
    ns.execOk('ip', ['link', 'set', 'lo', 'up']);
  } catch (err) {
    ns.remove();
    throw err;
  }
  return ns;
}

/** The real host's network state that plugin tests must never change. */
export interface HostSnapshot {
  links: string[];
  /** net/ipv4/ip_forward and net/ipv6/conf/all/forwarding. */
  forwarding: Record<string, string>;
  /** Main-table routes, one line each, sorted; volatile fields (expiry, flags) left out. */
  routes: { v4: string[]; v6: string[] };
  /** Policy routing rules, sorted. */
  rules: { v4: string[]; v6: string[] };
}

const FORWARDING_KEYS = ['net/ipv4/ip_forward', 'net/ipv6/conf/all/forwarding'];

/** The real host's state, read from the test process (which runs in the host's namespace). */
export function hostSnapshot(): HostSnapshot {
  const route = (r: any) => [r.dst, r.gateway && `via ${r.gateway}`, r.dev && `dev ${r.dev}`, r.protocol && `proto ${r.protocol}`, r.scope && `scope ${r.scope}`, r.prefsrc && `src ${r.prefsrc}`, r.metric !== undefined && `metric ${r.metric}`].filter(Boolean).join(' ');
  const routes = (family: '-4' | '-6') => ipJson<any[]>([family, 'route', 'show', 'table', 'main']).map(route).sort();
  const rules = (family: '-4' | '-6') => ipJson<any[]>([family, 'rule', 'show']).map((r) => JSON.stringify(r)).sort();
  return {
    links: ipJson<any[]>(['link', 'show']).map((l) => l.ifname as string).sort(),
    forwarding: Object.fromEntries(FORWARDING_KEYS.map((k) => [k, fs.readFileSync(`/proc/sys/${k}`, 'utf8').trim()])),
    routes: { v4: routes('-4'), v6: routes('-6') },
    rules: { v4: rules('-4'), v6: rules('-6') },
  };
}

/**
 * Guard of one test file: take() in the suite's before hook, assertUnchanged() in a last test
 * (uvu runs a suite's tests in order; files run one after another, so nothing else changes the
 * host meanwhile). An error in an after hook would abort the whole uvu run, hence a test.
 * Besides comparing snapshots, it watches the real host's link events (`ip -o monitor link`) in
 * between: a link created there, even one deleted again by the test's own cleanup, is reported.
 * Events about links the host already had (eth0 going up and down) are not.
 */
export class RealHostGuard {
  static readonly TEST_NAME = 'the real host is left as found: links, forwarding sysctls, main-table routes, rules; no link made there meanwhile';
  private before: HostSnapshot | undefined;
  private monitor: ChildProcess | undefined;
  private closed: Promise<unknown> = Promise.resolve();
  private events = '';

  async take(): Promise<void> {
    this.before = hostSnapshot();
    const monitor = spawn('ip', ['-o', 'monitor', 'link'], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.closed = new Promise((r) => monitor.once('close', r));
    monitor.stdout.on('data', (c) => (this.events += c));
    // Never the reason the test process stays alive (e.g. when the last test is not reached).
    monitor.unref();
    (monitor.stdout as unknown as { unref(): void }).unref(); // ref'd again in stopMonitor()
    const stop = () => monitor.kill();
    process.once('exit', stop);
    this.closed.then(() => process.off('exit', stop));
    this.monitor = monitor;
    // ip has no "listening" signal: give it a moment to subscribe before the tests start.
    await new Promise((r) => setTimeout(r, 100));
  }

  async assertUnchanged(): Promise<void> {
    assert.ok(this.before, 'no snapshot taken before the tests');
    const known = new Set(this.before.links);
    const transient = new Set((await this.stopMonitor()).filter((name) => !known.has(name)));
    assert.equal([...transient], [], 'links were made on the real host (and maybe deleted again)');
    assert.equal(hostSnapshot(), this.before, 'the real host changed');
  }

  /** Stop the monitor once it has written everything; the link names its events were about. */
  private async stopMonitor(): Promise<string[]> {
    const monitor = this.monitor;
    if (!monitor) return [];
    this.monitor = undefined;
    // Let events of the last tests reach the monitor before stopping it.
    await new Promise((r) => setTimeout(r, 200));
    // Now wait for it: the process must not exit before the monitor's last output is read.
    monitor.ref();
    (monitor.stdout as unknown as { ref(): void } | null)?.ref();
    monitor.kill();
    await this.closed;
    return this.events
      .split('\n')
      .map((line) => /^(?:Deleted\s+)?\d+:\s+([^:@\s]+)/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined);
  }
}
