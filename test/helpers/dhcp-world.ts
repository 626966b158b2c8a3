/**
 * A LAN with a DHCP server, for the dhcp IPAM tests. Everything lives in namespaces this fixture
 * makes: a scratch "host" namespace with a bridge, a "LAN" namespace whose veth is a port of that
 * bridge and runs dnsmasq (Debian's dnsmasq-base) as the DHCP server, and container namespaces that
 * the bridge plugin attaches with dhcp IPAM (no isGateway: the LAN namespace is the router), or
 * that macvlan attaches on a veth whose peer is a bridge port (macvlanMaster()).
 * The dhcp daemon is dist/cni run as `dhcp daemon` with its own socket and state dir in a temp
 * directory. cleanup() stops both processes and removes every namespace and file, and is meant for
 * a finally block.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CniBinDir, PluginCall, PluginRun } from './cni.js';
import { makeNetns, type TestNetns } from './netns.js';
import { uniqueSuffix } from './env.js';
import { uniqueSubnets, type Subnets } from './bridge.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Poll `fn` until it returns a truthy value or the deadline passes (then throws `what`). */
export async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs = 10_000, stepMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

export interface DnsmasqLease {
  expiry: number;
  mac: string;
  ip: string;
  clientId: string;
}

/** The DHCP client id dnsmasq records for our client: option 61 bytes (type 0 + text) in hex. */
export function dnsmasqClientId(containerId: string, netName: string, ifName: string): string {
  return [...Buffer.concat([Buffer.from([0]), Buffer.from(`${containerId}/${netName}/${ifName}`)])].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

class Proc {
  readonly exited: Promise<number | null>;
  constructor(readonly child: ChildProcess) {
    this.exited = new Promise((r) => child.once('exit', (code) => r(code)));
  }
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }
}

export class DhcpWorld {
  readonly suffix = uniqueSuffix();
  readonly tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-dhcp-'));
  readonly net: Subnets = uniqueSubnets();
  readonly name = `dhcpnet-${this.suffix}`;
  readonly bridge = `cnid-${this.suffix}`;
  readonly socketPath = path.join(this.tmp, 'dhcp.sock');
  readonly stateDir = path.join(this.tmp, 'state');
  readonly leaseFile = path.join(this.tmp, 'dnsmasq.leases');
  readonly daemonLog = path.join(this.tmp, 'daemon.log');
  readonly host: TestNetns;
  readonly lan: TestNetns;
  readonly router: string;
  readonly dnsServer: string;
  readonly search = ['corp.example.test', 'example.test'];
  private readonly namespaces: TestNetns[] = [];
  private dnsmasq: Proc | undefined;
  private daemonProc: Proc | undefined;

  constructor(private readonly bin: CniBinDir) {
    this.router = `${this.net.v4Prefix}1`;
    this.dnsServer = `${this.net.v4Prefix}53`;
    try {
      this.host = this.track(makeNetns('cnidh'));
      this.lan = this.track(makeNetns('cnidl'));
      this.host.execOk('ip', ['link', 'set', 'lo', 'up']);
      this.host.execOk('ip', ['link', 'add', this.bridge, 'type', 'bridge']);
      this.host.execOk('ip', ['link', 'set', this.bridge, 'up']);
      const hostIf = `lan-${this.suffix}`;
      this.host.execOk('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'lan0', 'netns', this.lan.name]);
      this.host.execOk('ip', ['link', 'set', hostIf, 'master', this.bridge]);
      this.host.execOk('ip', ['link', 'set', hostIf, 'up']);
      this.lan.execOk('ip', ['link', 'set', 'lo', 'up']);
      this.lan.execOk('ip', ['addr', 'add', `${this.router}/24`, 'dev', 'lan0']);
      this.lan.execOk('ip', ['link', 'set', 'lan0', 'up']);
    } catch (err) {
      this.cleanup();
      throw err;
    }
  }

  private track(ns: TestNetns): TestNetns {
    this.namespaces.push(ns);
    return ns;
  }

  /**
   * dnsmasq serving 2-minute leases (its minimum) from .10-.200, with DNS server and search list.
   * --no-ping: dnsmasq otherwise pings each new address and holds the OFFER back for 3 s.
   */
  async startDnsmasq(extra: string[] = [], range: [number, number] = [10, 200]): Promise<void> {
    const p = this.net.v4Prefix;
    const args = [
      'netns', 'exec', this.lan.name, 'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--port=0', '--user=root', '--group=root',
      '--interface=lan0', '--bind-interfaces', `--dhcp-range=${p}${range[0]},${p}${range[1]},255.255.255.0,2m`, `--dhcp-leasefile=${this.leaseFile}`,
      `--pid-file=${path.join(this.tmp, 'dnsmasq.pid')}`, `--dhcp-option=option:dns-server,${this.dnsServer}`,
      `--dhcp-option=option:domain-search,${this.search.join(',')}`, '--no-ping', '--log-dhcp', `--log-facility=${path.join(this.tmp, 'dnsmasq.log')}`, ...extra,
    ];
    this.dnsmasq = new Proc(spawn('ip', args, { stdio: 'ignore' }));
    await until('dnsmasq to listen on port 67', () => /:67\b/.test(this.lan.exec('ss', ['-uln']).stdout) || !this.dnsmasq!.running);
    if (!this.dnsmasq.running) throw new Error(`dnsmasq exited: ${this.dnsmasqLog()}`);
  }

  /** Stop dnsmasq (its lease file stays, as a server restart keeps it). */
  async stopDnsmasq(): Promise<void> {
    await this.dnsmasq?.stop('SIGTERM');
    await until('port 67 to close', () => !/:67\b/.test(this.lan.exec('ss', ['-uln']).stdout));
  }

  dnsmasqLog(): string {
    try {
      return fs.readFileSync(path.join(this.tmp, 'dnsmasq.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** The dnsmasq lease file, parsed (expiry epoch seconds, mac, ip, client id). */
  leases(): DnsmasqLease[] {
    let text = '';
    try {
      text = fs.readFileSync(this.leaseFile, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' '))
      .filter((f) => f.length >= 5 && !f[0]!.startsWith('duid'))
      .map((f) => ({ expiry: Number(f[0]), mac: f[1]!, ip: f[2]!, clientId: f[4]! }));
  }

  leaseOf(containerId: string, ifName = 'eth0'): DnsmasqLease | undefined {
    const id = dnsmasqClientId(containerId, this.name, ifName);
    return this.leases().find((l) => l.clientId === id);
  }

  /** Start `dhcp daemon` (through the CNI_PATH symlink) and wait for its socket. */
  async startDaemon(flags: string[] = ['-renewscale', '0.05']): Promise<Proc> {
    const logStart = this.log().length;
    const log = fs.openSync(this.daemonLog, 'a');
    const child = spawn(path.join(this.bin.dir, 'dhcp'), ['daemon', '-socketpath', this.socketPath, '-statedir', this.stateDir, ...flags], {
      stdio: ['ignore', log, log],
      env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', CNI_LOG_LEVEL: 'debug' },
    });
    fs.closeSync(log);
    const proc = new Proc(child);
    this.daemonProc = proc;
    await until('the daemon socket', () => !proc.running || (fs.existsSync(this.socketPath) && this.log().slice(logStart).includes('dhcp daemon listening')));
    if (!proc.running) throw new Error(`dhcp daemon exited: ${this.log()}`);
    return proc;
  }

  get daemon(): Proc | undefined {
    return this.daemonProc;
  }

  log(): string {
    try {
      return fs.readFileSync(this.daemonLog, 'utf8');
    } catch {
      return '';
    }
  }

  stateFiles(): string[] {
    try {
      return fs.readdirSync(this.stateDir).filter((f) => f.endsWith('.json'));
    } catch {
      return [];
    }
  }

  container(): TestNetns {
    const ns = this.track(makeNetns('cnidc'));
    ns.execOk('ip', ['link', 'set', 'lo', 'up']);
    return ns;
  }

  bridgeConf(ipam: Record<string, unknown> = {}): Record<string, unknown> {
    return { cniVersion: '1.1.0', name: this.name, type: 'bridge', bridge: this.bridge, ipam: this.dhcpIpam(ipam) };
  }

  /** dhcp IPAM talking to this world's daemon. */
  dhcpIpam(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { type: 'dhcp', daemonSocketPath: this.socketPath, ...extra };
  }

  /**
   * A macvlan master in the scratch host namespace that reaches the LAN: a veth whose peer is a port
   * of the LAN bridge, as a NIC on the site's network would be. Made once, on first use.
   */
  macvlanMaster(): string {
    const master = `mvl-${this.suffix}`;
    if (this.host.exec('ip', ['link', 'show', master]).code === 0) return master;
    const port = `mvp-${this.suffix}`;
    this.host.execOk('ip', ['link', 'add', master, 'type', 'veth', 'peer', 'name', port]);
    this.host.execOk('ip', ['link', 'set', port, 'master', this.bridge]);
    for (const l of [port, master]) this.host.execOk('ip', ['link', 'set', l, 'up']);
    return master;
  }

  /** A conflist attaching containers with macvlan (bridge mode) on macvlanMaster() and dhcp IPAM. */
  macvlanConflist(): Record<string, unknown> {
    return { cniVersion: '1.1.0', name: this.name, plugins: [{ type: 'macvlan', master: this.macvlanMaster(), mode: 'bridge', ipam: this.dhcpIpam() }] };
  }

  /** The bridge plugin in the scratch host namespace. */
  runBridge(command: string, c: TestNetns | undefined, containerId: string, extra: Partial<PluginCall> = {}): PluginRun {
    return this.bin.run('bridge', { command, containerId, netns: c?.path, ifName: 'eth0', config: this.bridgeConf(), inNetns: this.host.name, ...extra });
  }

  /** The dhcp plugin alone, as macvlan/ipvlan/host-device call it (the interface still exists on DEL). */
  runDhcp(command: string, c: TestNetns | undefined, containerId: string, extra: Partial<PluginCall> = {}): PluginRun {
    return this.bin.run('dhcp', { command, containerId, netns: c?.path, ifName: 'eth0', config: this.bridgeConf(), ...extra });
  }

  removeNetns(ns: TestNetns): void {
    ns.remove();
  }

  async cleanup(): Promise<void> {
    await this.daemonProc?.stop('SIGKILL');
    await this.dnsmasq?.stop('SIGKILL');
    for (const ns of this.namespaces.reverse()) ns.remove();
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}
