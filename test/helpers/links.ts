/**
 * The world of the link-plugin tests (macvlan, ipvlan, vlan, dummy, tap, host-device): a scratch
 * "host" namespace in which the plugins run, holding a master link (a veth end) whose other end is
 * in a "peer" namespace (a machine on the same wire, address .254), container namespaces, and a
 * host-local dataDir. cleanup() removes all of it; nothing touches the real host. Used on the host
 * lane and, for the kinds this kernel lacks, inside the VM lane's guest.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { suite, type Test } from 'uvu';
import { CniBinDir, type PluginCall, type PluginRun } from './cni.js';
import { RealHostGuard } from './hostns.js';
import { makeNetns, type TestNetns } from './netns.js';
import { uniqueSubnets, linkDetails, hostLocalReservations, type Subnets } from './bridge.js';
import { uniqueSuffix } from './env.js';
import { sh } from './sh.js';

export class LinkWorld {
  readonly suffix = uniqueSuffix();
  readonly name = `lnknet-${this.suffix}`;
  readonly master = `mst-${this.suffix}`;
  readonly net: Subnets = uniqueSubnets();
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-links-data-'));
  readonly host: TestNetns;
  readonly peer: TestNetns;
  /** The peer's address on the wire. */
  readonly peerV4: string;
  private readonly namespaces: TestNetns[] = [];

  constructor() {
    this.host = this.track(makeNetns('cnilh'));
    this.peer = this.track(makeNetns('cnilp'));
    this.peerV4 = `${this.net.v4Prefix}254`;
    this.host.execOk('ip', ['link', 'set', 'lo', 'up']);
    this.host.execOk('ip', ['link', 'add', this.master, 'type', 'veth', 'peer', 'name', 'wire0', 'netns', this.peer.name]);
    this.host.execOk('ip', ['link', 'set', this.master, 'up']);
    this.peer.execOk('ip', ['addr', 'add', `${this.peerV4}/24`, 'dev', 'wire0']);
    this.peer.execOk('ip', ['link', 'set', 'wire0', 'up']);
    this.peer.execOk('ip', ['link', 'set', 'lo', 'up']);
  }

  private track(ns: TestNetns): TestNetns {
    this.namespaces.push(ns);
    return ns;
  }

  /** A container namespace (lo up). */
  container(): TestNetns {
    const ns = this.track(makeNetns('cnilc'));
    ns.execOk('ip', ['link', 'set', 'lo', 'up']);
    return ns;
  }

  /** host-local over this world's IPv4 subnet (addresses .1 .. .200; the peer has .254). */
  ipam(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { type: 'host-local', dataDir: this.dataDir, ranges: [[{ subnet: this.net.v4, rangeEnd: `${this.net.v4Prefix}200` }]], ...extra };
  }

  conf(type: string, extra: Record<string, unknown> = {}, cniVersion = '1.1.0'): Record<string, unknown> {
    return { cniVersion, name: this.name, type, ipam: this.ipam(), ...extra };
  }

  /** Run a plugin inside the scratch host namespace. */
  run(bin: CniBinDir, plugin: string, call: PluginCall): PluginRun {
    return bin.run(plugin, { ...call, inNetns: this.host.name });
  }

  /** Addresses host-local holds for this network. */
  reservations(): string[] {
    return hostLocalReservations(this.dataDir, this.name);
  }

  cleanup(): void {
    for (const ns of [...this.namespaces].reverse()) ns.remove();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Run fn in a fresh LinkWorld, always cleaned up. */
export function withWorld<T>(fn: (w: LinkWorld) => T): T {
  const w = new LinkWorld();
  try {
    return fn(w);
  } finally {
    w.cleanup();
  }
}

/**
 * A uvu suite whose tests get a CniBinDir; with a RealHostGuard (host lane), its snapshot is taken
 * before the tests, and `finish()` adds the closing test that compares it, then runs the suite.
 */
export function linkSuite(name: string, guard?: RealHostGuard): { t: Test<{ bin: CniBinDir }>; finish: () => void } {
  const t = suite<{ bin: CniBinDir }>(name);
  t.before(async (ctx) => {
    await guard?.take();
    ctx.bin = new CniBinDir();
  });
  t.after((ctx) => ctx.bin?.dispose());
  const finish = () => {
    if (guard) t(RealHostGuard.TEST_NAME, () => guard.assertUnchanged());
    t.run();
  };
  return { t, finish };
}

/** The standard call of a container: its id, netns and eth0. */
export const attach = (ns: TestNetns, ifName = 'eth0') => ({ containerId: `c-${ns.name}`, netns: ns.path, ifName });

/** `ip -d -j link show` of a link in a namespace: kind and its info_data. */
export function linkInfo(ns: TestNetns, name: string): { kind?: string; data: any; link: any } {
  const link = linkDetails(name, ns.name);
  return { kind: link?.linkinfo?.info_kind, data: link?.linkinfo?.info_data ?? {}, link };
}

/** One ping, no retries: for asserting that something is NOT reachable. */
export function pingOnce(ns: TestNetns, addr: string): boolean {
  return sh('ip', ['netns', 'exec', ns.name, 'ping', '-c1', '-W1', addr]).code === 0;
}

/** The IPv4 address (without prefix) a result gave its first interface. */
export function resultV4(result: any): string {
  const ipc = (result?.ips ?? []).find((i: any) => !String(i.address).includes(':'));
  if (!ipc) throw new Error(`no IPv4 address in ${JSON.stringify(result)}`);
  return String(ipc.address).split('/')[0]!;
}
