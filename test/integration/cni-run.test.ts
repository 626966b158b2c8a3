/**
 * `cni run`: a fresh namespace, the networks attached, the command run inside, everything
 * removed afterwards, also on failure and on SIGTERM. `cni` itself runs under `ip netns exec` in a
 * private "host" namespace per test (`ip netns exec` execs in place: the pid is cni's), so the
 * bridges, host veths and forwarding sysctls live there; the namespace cni run makes is a separate
 * one, still named under /run/netns. The last test checks that the real host was left alone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { CNI_BINARY, uniqueSuffix } from '../helpers/env.js';
import { ipJson } from '../helpers/sh.js';
import { linkExists, uniqueSubnets } from '../helpers/bridge.js';
import { makeHostNetns, RealHostGuard } from '../helpers/hostns.js';
import type { TestNetns } from '../helpers/netns.js';

const DEFAULT_BRIDGE = 'cni-run0';
const DEFAULT_DATA_DIR = '/var/lib/cni/networks/cni-run';

function runNamespaces(): string[] {
  return fs.existsSync('/run/netns') ? fs.readdirSync('/run/netns').filter((n) => n.startsWith('cni-run-')) : [];
}

const realHost = new RealHostGuard();
test.before(() => realHost.take());

/** Links of the host namespace cni ran in. */
function hostLinks(host: TestNetns): string[] {
  return ipJson<any[]>(['link', 'show'], host.name).map((l) => l.ifname as string);
}

/** The command line running `cni ARGS` inside `host`. */
function cniIn(host: TestNetns, args: string[]): [string, string[]] {
  return ['ip', ['netns', 'exec', host.name, CNI_BINARY, ...args]];
}

/** A conf dir with one bridge network of our own; the caller removes it (the bridge goes with its host namespace). */
function confDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-run-conf-'));
  const suffix = uniqueSuffix();
  const net = uniqueSubnets();
  const bridge = `cnir-${suffix}`;
  const name = `runnet-${suffix}`;
  fs.writeFileSync(
    path.join(dir, '10-run.conflist'),
    JSON.stringify({ cniVersion: '1.1.0', name, plugins: [{ type: 'bridge', bridge, isGateway: true, ipam: { type: 'host-local', dataDir: path.join(dir, 'ipam'), ranges: [[{ subnet: net.v4 }]] } }, { type: 'loopback' }] }),
  );
  return { dir, bridge, name, net, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('with no configuration, the embedded default network: `cni run -- ip addr` on a fresh machine', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-run-empty-'));
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-run-cache-'));
  const host = makeHostNetns('cnirh');
  const hadDataDir = fs.existsSync(DEFAULT_DATA_DIR);
  const before = hostLinks(host);
  try {
    // No CNI_PATH, no configuration: everything comes from the executable itself.
    const r = spawnSync(...cniIn(host, ['run', '--cache-dir', cache, '--', 'ip', '-j', 'addr']), { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NETCONFPATH: empty } });
    assert.is(r.status, 0, r.stderr);
    const links = JSON.parse(r.stdout) as any[];
    const eth0 = links.find((l) => l.ifname === 'eth0');
    assert.ok(eth0, r.stdout);
    assert.ok(eth0.addr_info.some((a: any) => a.family === 'inet' && a.local.startsWith('10.222.0.') && a.prefixlen === 24), JSON.stringify(eth0.addr_info));
    assert.ok(links.find((l) => l.ifname === 'lo').flags.includes('UP'), 'loopback up');
    assert.equal(runNamespaces(), [], 'namespace removed');
    assert.ok(linkExists(DEFAULT_BRIDGE, host.name), `${DEFAULT_BRIDGE} made in the host namespace cni ran in`);
    assert.equal(hostLinks(host).filter((l) => l.startsWith('veth') && !before.includes(l)), [], 'host veth removed');
    assert.equal(fs.readdirSync(path.join(cache, 'results')), [], 'cache entry removed');
    assert.equal(fs.readdirSync(DEFAULT_DATA_DIR).filter((f) => /^\d/.test(f)), [], 'address released');
  } finally {
    host.remove(); // and DEFAULT_BRIDGE with it
    if (!hadDataDir) fs.rmSync(DEFAULT_DATA_DIR, { recursive: true, force: true });
    fs.rmSync(empty, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test('--net attaches a configured network: the command reaches the gateway; its exit status is returned', () => {
  const c = confDir();
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-run-cache-'));
  const host = makeHostNetns('cnirh');
  try {
    const gw = `${c.net.v4Prefix}1`;
    const ping = spawnSync(...cniIn(host, ['run', '--net', c.name, '--conf-dir', c.dir, '--cache-dir', cache, '--', 'ping', '-c', '1', '-W', '2', gw]), { encoding: 'utf8' });
    assert.is(ping.status, 0, ping.stdout + ping.stderr);
    assert.match(ping.stdout, /1 received/);
    const exit = spawnSync(...cniIn(host, ['run', '--net', c.name, '--conf-dir', c.dir, '--cache-dir', cache, '--', 'sh', '-c', 'exit 7']), { encoding: 'utf8' });
    assert.is(exit.status, 7, exit.stderr);
    assert.equal(runNamespaces(), []);
    assert.equal(fs.readdirSync(path.join(c.dir, 'ipam', c.name)).filter((f) => /^\d/.test(f)), [], 'addresses released');
  } finally {
    host.remove();
    c.cleanup();
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test('a failing ADD leaves no namespace and fails the run', () => {
  const c = confDir();
  const host = makeHostNetns('cnirh');
  try {
    fs.writeFileSync(path.join(c.dir, '20-bad.conflist'), JSON.stringify({ cniVersion: '1.1.0', name: 'badnet', plugins: [{ type: 'no-such-plugin' }] }));
    const r = spawnSync(...cniIn(host, ['run', '--net', c.name, '--net', 'badnet', '--conf-dir', c.dir, '--', 'true']), { encoding: 'utf8' });
    assert.is.not(r.status, 0);
    assert.match(r.stderr, /no-such-plugin/);
    assert.equal(runNamespaces(), []);
    assert.equal(fs.readdirSync(path.join(c.dir, 'ipam', c.name)).filter((f) => /^\d/.test(f)), [], 'the first network was deleted again');
  } finally {
    host.remove();
    c.cleanup();
  }
});

test('SIGTERM stops the command and still tears everything down', async () => {
  const c = confDir();
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-run-cache-'));
  const host = makeHostNetns('cnirh');
  let child: ChildProcess | undefined;
  try {
    const cniRun = spawn(...cniIn(host, ['run', '--net', c.name, '--conf-dir', c.dir, '--cache-dir', cache, '--', 'sleep', '30']), { stdio: 'ignore' });
    child = cniRun;
    const deadline = Date.now() + 10_000;
    while (runNamespaces().length === 0 || !fs.existsSync(path.join(cache, 'results')) || fs.readdirSync(path.join(cache, 'results')).length === 0) {
      if (Date.now() > deadline) throw new Error('cni run did not attach in time');
      await new Promise((r) => setTimeout(r, 50));
    }
    // `ip netns exec` replaced itself with cni: the signal below goes to cni run itself.
    assert.is(fs.readlinkSync(`/proc/${cniRun.pid}/exe`), fs.realpathSync(CNI_BINARY), 'the spawned pid is the cni process');
    const exited = new Promise<number | null>((resolve) => cniRun.on('exit', (code) => resolve(code)));
    cniRun.kill('SIGTERM');
    const code = await exited;
    assert.ok(code !== 0, `exit status ${code}`);
    assert.equal(runNamespaces(), [], 'namespace removed');
    assert.equal(fs.readdirSync(path.join(cache, 'results')), [], 'DEL ran');
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); // a failed assertion above
    host.remove();
    c.cleanup();
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

test.run();
