/**
 * `cni run` with the embedded default network, as the CNI project's priv-net-run example: a
 * default route through the bridge and masquerading, so the command reaches the host's addresses
 * and, masqueraded, a machine beyond the host that has no route back to the containers. The rules
 * go with the last DEL; the bridge stays. Everything happens in a scratch "host" namespace (cni
 * runs under `ip netns exec`) with a peer namespace behind it; the last test checks the real host.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CNI_BINARY } from '../helpers/env.js';
import { linkExists } from '../helpers/bridge.js';
import { HostNsFixture, RealHostGuard } from '../helpers/hostns.js';

const DEFAULT_BRIDGE = 'cni-run0';
const DEFAULT_DATA_DIR = '/var/lib/cni/networks/cni-run';

const realHost = new RealHostGuard();
test.before(() => realHost.take());

/** Masquerade state of the host namespace: nat rules and nftables tables that name cni. */
function masqState(fx: HostNsFixture): string {
  const nat = fx.iptablesNat(4).split('\n').filter((l) => /CNI|cni/.test(l));
  const nft = fx.nftRuleset().split('\n').filter((l) => /masquerade|10\.222\./.test(l));
  return [...nat, ...nft].join('\n');
}

/** A scratch host with no network configuration: `cni run` there uses the embedded default network. */
function defaultNetWorld() {
  const fx = new HostNsFixture();
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-run-empty-'));
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-run-cache-'));
  const hadDataDir = fs.existsSync(DEFAULT_DATA_DIR);
  return {
    fx,
    /** `cni run -- sh -c SCRIPT` inside the scratch host. */
    run: (script: string) =>
      spawnSync('ip', ['netns', 'exec', fx.host.name, CNI_BINARY, 'run', '--cache-dir', cache, '--', 'sh', '-c', script], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', NETCONFPATH: empty },
        timeout: 120_000,
      }),
    cleanup() {
      fx.cleanup(); // the host namespace, the bridge and the peer with it
      if (!hadDataDir) fs.rmSync(DEFAULT_DATA_DIR, { recursive: true, force: true });
      fs.rmSync(empty, { recursive: true, force: true });
      fs.rmSync(cache, { recursive: true, force: true });
    },
  };
}

test('default network: default route, the host reached, a peer beyond it reached masqueraded; rules gone after the run, bridge kept', () => {
  const w = defaultNetWorld();
  const { fx } = w;
  try {
    const peer = fx.peer();
    const script = [
      'ip -j route show default',
      `ping -c 1 -W 3 ${peer.hostV4} >/dev/null && echo HOST-OK`,
      `ping -c 1 -W 3 ${peer.peerV4} >/dev/null && echo PEER-OK`,
    ].join('; ');
    const r = w.run(script);
    assert.is(r.status, 0, r.stdout + r.stderr);
    const [routeJson, ...rest] = r.stdout.trim().split('\n');
    const routes = JSON.parse(routeJson!) as { dst: string; gateway: string; dev: string }[];
    assert.is(routes.length, 1, routeJson);
    assert.is(routes[0]!.gateway, '10.222.0.1', 'default route through the bridge');
    assert.is(routes[0]!.dev, 'eth0');
    assert.ok(rest.includes('HOST-OK'), `the host's address on another link: ${r.stdout}${r.stderr}`);
    // The peer has no route to 10.222.0.0/24: its answer comes back only because of masquerading.
    assert.ok(rest.includes('PEER-OK'), `beyond the host, masqueraded: ${r.stdout}${r.stderr}`);
    assert.is(fx.host.exec('ip', ['route', 'show', '10.222.0.0/24']).stdout.trim().length > 0, true, 'the bridge route stays with the bridge');
    assert.ok(linkExists(DEFAULT_BRIDGE, fx.host.name), 'the bridge stays, like docker0');
    assert.is(masqState(fx), '', 'no masquerade rule left after the last DEL');
  } finally {
    w.cleanup();
  }
});

test('masquerade is in place while the command runs (and matches the container address)', () => {
  const w = defaultNetWorld();
  const { fx } = w;
  try {
    // The command itself looks at the host namespace's rules (it runs with cni's privileges).
    const script = `ip -4 -o addr show eth0; ip netns exec ${fx.host.name} iptables-save -t nat; ip netns exec ${fx.host.name} nft list ruleset`;
    const r = w.run(script);
    assert.is(r.status, 0, r.stdout + r.stderr);
    const addr = /inet (10\.222\.0\.\d+)\//.exec(r.stdout)?.[1];
    assert.ok(addr, r.stdout);
    assert.match(r.stdout, new RegExp(`${addr!.replace(/\./g, '\\.')}`), 'a rule for the container address');
    assert.match(r.stdout, /MASQUERADE|masquerade/);
    assert.is(masqState(fx), '', 'gone after the run');
  } finally {
    w.cleanup();
  }
});

test(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

test.run();
