/**
 * Drop-in for the reference, against the real kernel: configs in the reference's key case, a
 * container on two networks (the second default route appended), and bad input that must change
 * nothing: every case below fails with a clean CNI error and leaves no bridge, veth, reservation
 * or last_reserved_ip behind. Plugins run in a private host namespace per test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CniBinDir } from '../helpers/cni.js';
import { Fixture, ping, routes, uniqueSubnets } from '../helpers/bridge.js';
import { RealHostGuard } from '../helpers/hostns.js';
import { makeNetns, type TestNetns } from '../helpers/netns.js';
import { shOk } from '../helpers/sh.js';

const t = suite<{ bin: CniBinDir }>('dropin');
const realHost = new RealHostGuard();
t.before(async (ctx) => {
  await realHost.take();
  ctx.bin = new CniBinDir();
});
t.after((ctx) => ctx.bin?.dispose());

const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => assert.is(r.code, 0, `${what}: ${r.stdout}${r.stderr}`);

function call(fx: Fixture, ns: TestNetns, command: string, config: object | string, extra: { ifName?: string; args?: string; containerId?: string } = {}) {
  return { command, containerId: extra.containerId ?? `c-${ns.name}`, netns: ns.path, ifName: extra.ifName ?? 'eth0', config, ...(extra.args ? { args: extra.args } : {}) };
}

/** The host namespace's links other than lo. */
function hostLinks(fx: Fixture): string[] {
  return fx.host.execOk('ip', ['-o', 'link', 'show']).split('\n').map((l) => /^\d+:\s+([^:@]+)/.exec(l)?.[1]).filter((n): n is string => !!n && n !== 'lo');
}

function dataFiles(fx: Fixture): string[] {
  const dir = path.join(fx.dataDir, fx.name);
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

t('a bridge config written in the reference key case (Go struct matching) works end to end', ({ bin }) => {
  const fx = new Fixture({ hostNetns: true });
  try {
    const ns = fx.netns();
    const config = {
      CNIVersion: '1.0.0', Name: fx.name, Type: 'bridge', Bridge: fx.bridge, IsGateway: true, IsDefaultGateway: true, HairpinMode: true,
      IPAM: { Type: 'host-local', DataDir: fx.dataDir, Ranges: [[{ Subnet: fx.net.v4 }]], Routes: [{ Dst: '192.0.2.0/24' }] },
    };
    const r = fx.run(bin, 'bridge', call(fx, ns, 'ADD', config));
    ok(r, 'ADD');
    assert.is(r.json.ips[0].address, `${fx.net.v4Prefix}2/24`);
    assert.ok(ping(ns, `${fx.net.v4Prefix}1`), 'gateway reachable');
    const port = r.json.interfaces[1].name;
    assert.ok(JSON.stringify(fx.host.link(port)).includes('"hairpin":true'), 'HairpinMode honoured');
    ok(fx.run(bin, 'bridge', call(fx, ns, 'CHECK', { ...config, PrevResult: r.json })), 'CHECK with PrevResult');
    ok(fx.run(bin, 'bridge', call(fx, ns, 'DEL', config)), 'DEL');
    assert.equal(fx.reservations(), []);
  } finally {
    fx.cleanup();
  }
});

t('a container on two networks: the second default route is appended (v4 and v6); CHECK and DEL of each work', ({ bin }) => {
  const fx = new Fixture({ hostNetns: true });
  try {
    const ns = fx.netns();
    const net2 = uniqueSubnets();
    const conf1 = fx.bridgeConf('1.1.0', { isDefaultGateway: true, ipam: fx.ipam(['4', '6']) });
    const conf2 = {
      ...fx.bridgeConf('1.1.0', { isDefaultGateway: true }),
      name: `${fx.name}-b`,
      bridge: `${fx.bridge}b`,
      ipam: { type: 'host-local', dataDir: fx.dataDir, ranges: [[{ subnet: net2.v4 }], [{ subnet: net2.v6 }]] },
    };
    const r1 = fx.run(bin, 'bridge', call(fx, ns, 'ADD', conf1));
    ok(r1, 'ADD network 1');
    const r2 = fx.run(bin, 'bridge', call(fx, ns, 'ADD', conf2, { ifName: 'eth1' }));
    ok(r2, 'ADD network 2 (second default route)');
    const v4defaults = routes('4', ns.name).filter((r) => r.dst === 'default').map((r) => `${r.gateway} ${r.dev}`).sort();
    assert.equal(v4defaults, [`${fx.net.v4Prefix}1 eth0`, `${net2.v4Prefix}1 eth1`].sort());
    const v6 = JSON.stringify(routes('6', ns.name).filter((r) => r.dst === 'default'));
    assert.ok(v6.includes(`${fx.net.v6Prefix}1`) && v6.includes(`${net2.v6Prefix}1`), `both v6 defaults: ${v6}`);
    assert.ok(ping(ns, `${fx.net.v4Prefix}1`) && ping(ns, `${net2.v4Prefix}1`), 'both gateways reachable');
    ok(fx.run(bin, 'bridge', call(fx, ns, 'CHECK', { ...conf1, prevResult: r1.json })), 'CHECK network 1');
    ok(fx.run(bin, 'bridge', call(fx, ns, 'CHECK', { ...conf2, prevResult: r2.json }, { ifName: 'eth1' })), 'CHECK network 2');
    ok(fx.run(bin, 'bridge', call(fx, ns, 'DEL', conf2, { ifName: 'eth1' })), 'DEL network 2');
    assert.equal(routes('4', ns.name).filter((r) => r.dst === 'default').map((r) => r.dev), ['eth0']);
    ok(fx.run(bin, 'bridge', call(fx, ns, 'CHECK', { ...conf1, prevResult: r1.json })), 'CHECK network 1 after DEL of 2');
    ok(fx.run(bin, 'bridge', call(fx, ns, 'DEL', conf1)), 'DEL network 1');
    // The identical route twice is still refused (the same network twice on one interface is a bug).
    assert.equal(fx.reservations(), []);
  } finally {
    fx.cleanup();
  }
});

interface BadCase {
  what: string;
  ipam?: unknown;
  args?: string;
  code: number;
  msg: string | RegExp;
  /** Where the reference's text does not name the field, details does. */
  details?: string;
}

const badCases = (fx: Fixture): BadCase[] => [
  { what: 'malformed subnet', ipam: { type: 'host-local', dataDir: fx.dataDir, subnet: '10.99.0.0/33' }, code: 7, msg: 'invalid CIDR address: 10.99.0.0/33', details: 'field ipam.subnet' },
  { what: 'rangeStart outside the subnet', ipam: fx.ipam(['4'], { ranges: [[{ subnet: fx.net.v4, rangeStart: '10.98.0.5' }]] }), code: 7, msg: `invalid range set 0: RangeStart 10.98.0.5 not in network ${fx.net.v4}`, details: 'field ipam.ranges[0][0].rangeStart' },
  { what: 'IPAM type that is a path', ipam: { type: '/usr/lib/cni/host-local' }, code: 999, msg: 'invalid plugin name: /usr/lib/cni/host-local' },
  { what: 'IPAM plugin not in CNI_PATH', ipam: { type: 'no-such-ipam' }, code: 999, msg: /^failed to find plugin "no-such-ipam" in path/ },
  { what: 'CNI_ARGS IP outside the range', ipam: fx.ipam(), args: 'IgnoreUnknown=1;IP=10.98.0.5', code: 999, msg: 'failed to allocate all requested IPs: 10.98.0.5' },
  { what: 'CNI_ARGS IP not an address', ipam: fx.ipam(), args: 'IgnoreUnknown=1;IP=zz', code: 4, msg: 'CNI_ARGS IP: invalid IP address: zz' },
  { what: 'the same address twice in args.cni.ips', ipam: fx.ipam(), code: 7, msg: /requested twice$/ },
  { what: '"ipam" a string', ipam: 'x', code: 7, msg: 'failed to load netconf: "ipam" must be an object with a "type", got "x"' },
  { what: 'ipam object without type', ipam: { subnet: fx.net.v4 }, code: 7, msg: /^failed to load netconf: "ipam.type" is missing/ },
  { what: 'static IPAM with a bad address', ipam: { type: 'static', addresses: [{ address: '10.1.2.3' }] }, code: 7, msg: /addresses\[0\]/ },
];

t('bad IPAM input fails cleanly and changes nothing: no bridge, veth, reservation or last_reserved_ip', ({ bin }) => {
  const fx = new Fixture({ hostNetns: true });
  try {
    const ns = fx.netns();
    const before = hostLinks(fx);
    for (const c of badCases(fx)) {
      const config = { ...fx.bridgeConf('1.0.0', { isGateway: true, ipam: c.ipam }), ...(c.what.includes('twice') ? { args: { cni: { ips: [`${fx.net.v4Prefix}7`, `${fx.net.v4Prefix}7`] } } } : {}) };
      const r = fx.run(bin, 'bridge', call(fx, ns, 'ADD', config, c.args ? { args: c.args } : {}));
      assert.is(r.code, 1, `${c.what}: ${r.stdout}`);
      assert.is(r.json?.code, c.code, `${c.what}: ${r.stdout}`);
      if (typeof c.msg === 'string') assert.is(r.json.msg, c.msg, c.what);
      else assert.match(r.json.msg, c.msg, c.what);
      assert.ok(r.json.details === undefined || !r.json.msg.includes(r.json.details), `${c.what}: details repeat msg`);
      if (c.details !== undefined) assert.is(r.json.details, c.details, c.what);
      assert.equal(hostLinks(fx), before, `${c.what}: host links changed`);
      assert.equal(ns.execOk('ip', ['-o', 'link', 'show']).split('\n').filter((l) => /^\d+: (?!lo)/.test(l)), [], `${c.what}: container links changed`);
      assert.equal(dataFiles(fx), [], `${c.what}: host-local wrote ${dataFiles(fx).join(' ')}`);
      // One line per failing plugin (bridge, and its IPAM delegate when the failure is there: the
      // same lines whether host-local ran in-process or as a child), never a stack.
      const lines = r.stderr.trim() === '' ? [] : r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { plugin: string });
      assert.ok(new Set(lines.map((l) => l.plugin)).size === lines.length && !r.stderr.includes('"stack"'), `${c.what}: one log line per plugin, no stack: ${r.stderr}`);
    }
  } finally {
    fx.cleanup();
  }
});

t('a bridge this ADD made goes with a failed ADD; an existing bridge (another port on it) stays', ({ bin }) => {
  const fx = new Fixture({ hostNetns: true });
  try {
    const [a, b, c] = [fx.netns(), fx.netns(), fx.netns()];
    const config = fx.bridgeConf('1.0.0', { isGateway: true });
    const ra = fx.run(bin, 'bridge', call(fx, a, 'ADD', config, { args: `IgnoreUnknown=1;IP=${fx.net.v4Prefix}9` }));
    ok(ra, 'ADD a with IP .9');
    // Same network and store, another (new) bridge: IPAM refuses .9 only at run time, after the bridge exists.
    const other = { ...config, bridge: `${fx.bridge}x` };
    const rb = fx.run(bin, 'bridge', call(fx, b, 'ADD', other, { args: `IgnoreUnknown=1;IP=${fx.net.v4Prefix}9` }));
    assert.is(rb.code, 1, rb.stdout);
    assert.not.ok(fx.host.linkExists(`${fx.bridge}x`), 'the bridge made by the failed ADD is gone');
    // The same failure on the existing bridge: the bridge and a's port stay.
    const rc = fx.run(bin, 'bridge', call(fx, c, 'ADD', config, { args: `IgnoreUnknown=1;IP=${fx.net.v4Prefix}9` }));
    assert.is(rc.code, 1, rc.stdout);
    assert.ok(fx.host.linkExists(fx.bridge), 'the shared bridge stays');
    assert.equal(fx.host.bridgePorts(fx.bridge).length, 1, "a's port stays");
    assert.equal(fx.reservations(), [`${fx.net.v4Prefix}9`]);
    assert.ok(ping(a, `${fx.net.v4Prefix}1`), 'a still reaches its gateway');
  } finally {
    fx.cleanup();
  }
});

t('loopback without "type" and a config in reference case through the runtime: accepted', ({ bin }) => {
  const fx = new Fixture({ hostNetns: true });
  try {
    const ns = fx.netns();
    const r = fx.run(bin, 'loopback', call(fx, ns, 'ADD', { cniVersion: '1.0.0', name: 'lo-test' }));
    ok(r, 'loopback ADD without type');
    assert.match(ns.execOk('ip', ['-o', 'link', 'show', 'lo']), 'UP');
  } finally {
    fx.cleanup();
  }
});

t('portmap with mappings and no container address in prevResult is an error, and maps nothing', ({ bin }) => {
  const fx = new Fixture({ hostNetns: true });
  try {
    const ns = fx.netns();
    const config = {
      cniVersion: '1.0.0', name: fx.name, type: 'portmap', capabilities: { portMappings: true },
      runtimeConfig: { portMappings: [{ hostPort: 18080, containerPort: 80, protocol: 'tcp' }] },
      prevResult: { cniVersion: '1.0.0', interfaces: [{ name: 'eth0', sandbox: ns.path }] },
    };
    const r = fx.run(bin, 'portmap', call(fx, ns, 'ADD', config));
    assert.is(r.code, 1, r.stdout);
    assert.equal(r.json, { cniVersion: '1.0.0', code: 7, msg: 'prevResult has no address on container interface "eth0" to forward the port mappings to' });
    assert.not.match(fx.host.execOk('nft', ['list', 'ruleset']), '18080');
  } finally {
    fx.cleanup();
  }
});

t('defaults beside an iptables host (FORWARD policy DROP, an iptables NAT rule): ipMasq and portmap in nftables, firewall "" in iptables: outbound and the published port (from the host) work; DEL leaves nothing', async ({ bin }) => {
  const fx = new Fixture({ hostNetns: true });
  const peer = makeNetns('cnidp');
  let server: ChildProcess | undefined;
  try {
    const host = fx.host.ns!;
    // A Docker-like host: forwarding dropped by iptables, iptables doing some NAT of its own.
    host.execOk('iptables', ['-P', 'FORWARD', 'DROP']);
    host.execOk('iptables', ['-t', 'nat', '-A', 'POSTROUTING', '-s', '172.31.254.0/24', '-j', 'MASQUERADE']);
    const o = randomInt(1, 250);
    const [hv, pv] = [`dph${fx.suffix}`.slice(0, 15), `dpp${fx.suffix}`.slice(0, 15)];
    shOk('ip', ['link', 'add', hv, 'netns', host.name, 'type', 'veth', 'peer', 'name', pv, 'netns', peer.name]);
    host.execOk('ip', ['addr', 'add', `192.168.${o}.1/24`, 'dev', hv]);
    host.execOk('ip', ['link', 'set', hv, 'up']);
    peer.execOk('ip', ['addr', 'add', `192.168.${o}.2/24`, 'dev', pv]);
    peer.execOk('ip', ['link', 'set', pv, 'up']);
    const ns = fx.netns();
    const hostPort = 20000 + randomInt(0, 20000);
    const mapping = { portMappings: [{ hostPort, containerPort: 8080, protocol: 'tcp' }] };
    const bridge = fx.bridgeConf('1.0.0', { isDefaultGateway: true, ipMasq: true });
    const r1 = fx.run(bin, 'bridge', call(fx, ns, 'ADD', bridge));
    ok(r1, 'bridge ADD (ipMasq, default backend)');
    const portmap = { cniVersion: '1.0.0', name: fx.name, type: 'portmap', capabilities: { portMappings: true }, runtimeConfig: mapping, prevResult: r1.json };
    ok(fx.run(bin, 'portmap', call(fx, ns, 'ADD', portmap)), 'portmap ADD (default backend)');
    const firewall = { cniVersion: '1.0.0', name: fx.name, type: 'firewall', backend: '', prevResult: r1.json };
    ok(fx.run(bin, 'firewall', call(fx, ns, 'ADD', firewall)), 'firewall ADD (backend "")');
    const ruleset = host.execOk('nft', ['list', 'ruleset']);
    assert.match(ruleset, 'masquerade', 'ipMasq in nftables');
    assert.match(ruleset, String(hostPort), 'portmap in nftables');
    assert.match(host.execOk('iptables-save', ['-t', 'filter']), '-A CNI-FORWARD', 'firewall accepts in iptables, where the DROP is');
    // Outbound: the peer has no route to the container subnet, so an answer proves masquerading.
    assert.ok(ping(ns, `192.168.${o}.2`), 'container -> peer through FORWARD DROP, masqueraded');
    server = spawn('ip', ['netns', 'exec', ns.name, 'socat', 'TCP-LISTEN:8080,fork,reuseaddr', 'SYSTEM:echo published'], { stdio: 'ignore' });
    // From the host itself (OUTPUT path: portmap's DNAT, no FORWARD). From outside, new connections
    // to the container meet iptables' FORWARD DROP, which neither the reference's firewall nor ours
    // accepts (it only lets replies in): the same as the reference chain on such a host.
    const deadline = Date.now() + 5000;
    let answer = '';
    while (Date.now() < deadline && !answer.includes('published')) {
      answer = host.exec('socat', ['-T2', '-', `TCP:192.168.${o}.1:${hostPort},connect-timeout=2`]).stdout;
      if (!answer.includes('published')) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(answer, 'published', 'host -> its published port -> container');
    for (const [plugin, conf] of [['firewall', firewall], ['portmap', portmap], ['bridge', bridge]] as const) ok(fx.run(bin, plugin, call(fx, ns, 'DEL', conf)), `${plugin} DEL`);
    const ip = r1.json.ips[0].address.split('/')[0];
    assert.not.match(host.execOk('nft', ['list', 'ruleset']), ip);
    assert.not.match(host.execOk('iptables-save', []), ip);
    assert.match(host.execOk('iptables-save', ['-t', 'nat']), '172.31.254.0/24', "the host's own iptables NAT rule is untouched");
    assert.equal(fx.reservations(), []);
  } finally {
    server?.kill();
    peer.remove();
    fx.cleanup();
  }
});

t(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

t.run();
