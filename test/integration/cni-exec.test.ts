/**
 * `cni exec` end to end, as an operator uses it: a configuration directory, the plugins installed
 * as symlinks in a CNI_PATH, real namespaces, real traffic, the result cache on disk. `cni` itself
 * runs under `ip netns exec` in a private "host" namespace per test, so the bridge and host veths
 * (and the forwarding sysctls isGateway sets) live there; the last test checks that the real host
 * was left alone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { CNI_BINARY, uniqueSuffix } from '../helpers/env.js';
import { CniBinDir } from '../helpers/cni.js';
import { makeNetns, type TestNetns } from '../helpers/netns.js';
import { ipJson } from '../helpers/sh.js';
import { linkExists, uniqueSubnets } from '../helpers/bridge.js';
import { makeHostNetns, RealHostGuard } from '../helpers/hostns.js';

const realHost = new RealHostGuard();
test.before(() => realHost.take());

/** `cni ARGS` run inside the world's host namespace, as a runtime on that host would run it. */
function cni(w: World, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('ip', ['netns', 'exec', w.host.name, CNI_BINARY, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface World {
  /** The private host namespace in which cni (and the plugins it runs) act. */
  host: TestNetns;
  bin: CniBinDir;
  confDir: string;
  cacheDir: string;
  dataDir: string;
  bridge: string;
  name: string;
  net: ReturnType<typeof uniqueSubnets>;
  cleanup(): void;
}

function world(): World {
  const bin = new CniBinDir();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-exec-'));
  const confDir = path.join(tmp, 'net.d');
  const cacheDir = path.join(tmp, 'cache');
  const dataDir = path.join(tmp, 'ipam');
  fs.mkdirSync(confDir);
  const suffix = uniqueSuffix();
  const bridge = `cnix-${suffix}`;
  const name = `execnet-${suffix}`;
  const net = uniqueSubnets();
  fs.writeFileSync(
    path.join(confDir, '10-exec.conflist'),
    JSON.stringify({
      cniVersion: '1.0.0',
      name,
      plugins: [{ type: 'bridge', bridge, isGateway: true, ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: net.v4 }]] } }, { type: 'loopback' }],
    }),
  );
  const host = makeHostNetns('cnixh');
  return {
    host, bin, confDir, cacheDir, dataDir, bridge, name, net,
    cleanup() {
      host.remove(); // the bridge and any host veth go with it
      bin.dispose();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

const cacheFile = (w: World, id: string) => path.join(w.cacheDir, 'results', `${w.name}-${id}-eth0`);

test('add, check and del through the environment cnitool uses; traffic flows; cache written and removed', () => {
  const w = world();
  const a = makeNetns('cnix');
  const b = makeNetns('cnix');
  try {
    const env = { NETCONFPATH: w.confDir, CNI_PATH: w.bin.dir };
    const add = (ns: string) => cni(w, ['exec', 'add', w.name, ns, '--cache-dir', w.cacheDir, '--json'], env);
    const ra = add(a.path);
    assert.is(ra.code, 0, ra.stderr);
    assert.ok(linkExists(w.bridge, w.host.name), 'the bridge is in the host namespace cni ran in');
    const result = JSON.parse(ra.stdout);
    assert.is(result.cniVersion, '1.0.0');
    const ipA = result.ips[0].address.split('/')[0];
    assert.ok(ipA.startsWith(w.net.v4Prefix), ipA);
    const rb = add(b.path);
    assert.is(rb.code, 0, rb.stderr);

    // Same derived container ID as cnitool: "cnitool-" + sha512(netns path)[:20].
    const id = `cnitool-${createHash('sha512').update(a.path).digest('hex').slice(0, 20)}`;
    const cached = JSON.parse(fs.readFileSync(cacheFile(w, id), 'utf8'));
    assert.is(cached.kind, 'cniCacheV1');
    assert.is(cached.containerId, id);
    assert.is(cached.netns, a.path);
    assert.equal(cached.result.ips, result.ips);
    assert.is((fs.statSync(cacheFile(w, id)).mode & 0o777).toString(8), '600');

    const ping = b.exec('ping', ['-c', '1', '-W', '2', ipA]);
    assert.is(ping.code, 0, `b -> a: ${ping.stdout}${ping.stderr}`);
    const [lo] = ipJson<any[]>(['link', 'show', 'lo'], a.name);
    assert.ok(lo.flags.includes('UP'), 'loopback ran in the chain');

    const check = cni(w, ['exec', 'check', w.name, a.path, '--cache-dir', w.cacheDir], env);
    assert.is(check.code, 0, check.stderr);

    for (const ns of [a, b]) {
      const del = cni(w, ['exec', 'del', w.name, ns.path, '--cache-dir', w.cacheDir], env);
      assert.is(del.code, 0, del.stderr);
    }
    assert.not.ok(fs.existsSync(cacheFile(w, id)), 'cache removed after DEL');
    assert.equal(fs.readdirSync(path.join(w.dataDir, w.name)).filter((f) => /^\d/.test(f)), [], 'no reservation left');
    assert.equal(ipJson<any[]>(['link', 'show'], a.name).map((l) => l.ifname), ['lo'], 'eth0 removed');
    const again = cni(w, ['exec', 'del', w.name, a.path, '--cache-dir', w.cacheDir], env);
    assert.is(again.code, 0, `DEL is idempotent: ${again.stderr}`);
  } finally {
    a.remove();
    b.remove();
    w.cleanup();
  }
});

test('the default output is a readable summary; options override the environment', () => {
  const w = world();
  const a = makeNetns('cnix');
  try {
    const r = cni(w, ['exec', 'add', w.name, a.path, '--conf-dir', w.confDir, '--cni-path', w.bin.dir, '--cache-dir', w.cacheDir, '--ifname', 'net1', '--container-id', 'c-summary'], { NETCONFPATH: '/nonexistent' });
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /interfaces:/);
    assert.match(r.stdout, new RegExp(`${w.net.v4Prefix.replace(/\./g, '\\.')}\\d+/24`));
    assert.ok(ipJson<any[]>(['link', 'show'], a.name).some((l) => l.ifname === 'net1'));
    assert.ok(fs.existsSync(path.join(w.cacheDir, 'results', `${w.name}-c-summary-net1`)));
    const del = cni(w, ['exec', 'del', w.name, a.path, '--conf-dir', w.confDir, '--cni-path', w.bin.dir, '--cache-dir', w.cacheDir, '--ifname', 'net1', '--container-id', 'c-summary']);
    assert.is(del.code, 0, del.stderr);
  } finally {
    a.remove();
    w.cleanup();
  }
});

test('list shows loadable networks and broken files; errors carry the plugin code', () => {
  const w = world();
  try {
    fs.writeFileSync(path.join(w.confDir, '20-broken.conflist'), '{"name": "broken", "plugins": [');
    const list = cni(w, ['exec', 'list', '--conf-dir', w.confDir]);
    assert.is(list.code, 0, list.stderr);
    assert.match(list.stdout, new RegExp(w.name));
    assert.match(list.stdout, /20-broken\.conflist/);

    const missingNs = cni(w, ['exec', 'add', w.name, `/run/netns/missing-${uniqueSuffix()}`, '--conf-dir', w.confDir, '--cni-path', w.bin.dir, '--cache-dir', w.cacheDir]);
    assert.is.not(missingNs.code, 0);
    assert.match(missingNs.stderr, /netns/);
    assert.match(missingNs.stderr, /code 8/);
  } finally {
    w.cleanup();
  }
});

test('gc deletes every cached attachment not named valid', () => {
  const w = world();
  const a = makeNetns('cnix');
  const b = makeNetns('cnix');
  try {
    const opts = ['--conf-dir', w.confDir, '--cni-path', w.bin.dir, '--cache-dir', w.cacheDir];
    assert.is(cni(w, ['exec', 'add', w.name, a.path, ...opts, '--container-id', 'keep']).code, 0);
    assert.is(cni(w, ['exec', 'add', w.name, b.path, ...opts, '--container-id', 'stale']).code, 0);
    const gc = cni(w, ['exec', 'gc', w.name, ...opts, '--valid', 'keep:eth0']);
    assert.is(gc.code, 0, gc.stderr);
    assert.ok(fs.existsSync(cacheFile(w, 'keep')));
    assert.not.ok(fs.existsSync(cacheFile(w, 'stale')), 'stale attachment deleted');
    assert.equal(ipJson<any[]>(['link', 'show'], b.name).map((l) => l.ifname), ['lo'], 'stale interface removed');
    const reservations = fs.readdirSync(path.join(w.dataDir, w.name)).filter((f) => /^\d/.test(f));
    assert.is(reservations.length, 1, `only the valid attachment keeps an address: ${reservations}`);
    assert.is(cni(w, ['exec', 'del', w.name, a.path, ...opts, '--container-id', 'keep']).code, 0);
  } finally {
    a.remove();
    b.remove();
    w.cleanup();
  }
});

test(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

test.run();
