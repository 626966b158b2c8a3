/**
 * vrf on a kernel that has VRFs (the VM lane). Chained after bridge through the runtime library
 * (`cni exec`), two VRFs with the same address in one container, each reaching only its own peer
 * and its own default gateway; after ptp, whose scope-link route to its gateway must move too;
 * then the reference's cases on dummy links: tables, shared VRFs, CHECK, idempotent DEL. The
 * errors found before a VRF is made run on the host lane (test/integration/vrf.test.ts).
 * Every "host" is a namespace of the test's own.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { uniqueSuffix } from '../helpers/env.js';
import { CNIConfig, networkConfFromBytes, RawExec, type RunProcess } from '../../src/runtime/index.js';
import { CniBinDir } from '../helpers/cni.js';
import { makeNetns, type TestNetns } from '../helpers/netns.js';
import { ipJson } from '../helpers/sh.js';
import { uniqueSubnets } from '../helpers/bridge.js';
import { makeHostNetns, RealHostGuard } from '../helpers/hostns.js';

const t = suite<{ bin: CniBinDir }>('vrf');
const realHost = new RealHostGuard();
t.before(async (ctx) => {
  await realHost.take();
  ctx.bin = new CniBinDir();
});
t.after((ctx) => ctx.bin?.dispose());

/** Namespaces and a temp dir of one test, removed by cleanup(). */
class World {
  readonly tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-vrf-'));
  private readonly namespaces: TestNetns[] = [];
  ns(prefix: string, host = false): TestNetns {
    const ns = host ? makeHostNetns(prefix) : makeNetns(prefix);
    this.namespaces.push(ns);
    if (!host) ns.execOk('ip', ['link', 'set', 'lo', 'up']);
    return ns;
  }
  cleanup(): void {
    for (const ns of this.namespaces.reverse()) ns.remove();
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }
}

const ip = (ns: TestNetns, ...args: string[]) => ns.execOk('ip', args);
const pings = (ns: TestNetns, addr: string, ...opts: string[]) => ns.exec('ping', ['-c1', '-W1', ...opts, addr]).code === 0;
const masterOf = (ns: TestNetns, dev: string): string | undefined => ipJson<any[]>(['link', 'show', 'dev', dev], ns.name)[0]?.master;
const vrfTable = (ns: TestNetns, vrf: string): number => ipJson<any[]>(['-d', 'link', 'show', 'dev', vrf], ns.name)[0].linkinfo.info_data.table;
const vrfRoutes = (ns: TestNetns, vrf: string, family = '-4') => ipJson<any[]>([family, 'route', 'show', 'vrf', vrf], ns.name);
const mainRoutesVia = (ns: TestNetns, dev: string, family = '-4') => ipJson<any[]>([family, 'route', 'show', 'table', 'main'], ns.name).filter((r) => r.dev === dev);
const linkNames = (ns: TestNetns) => ipJson<any[]>(['link', 'show'], ns.name).map((l) => l.ifname as string);

/**
 * A network run through the runtime library (src/runtime, what `cni exec` and runtimes built on
 * it use), its plugins executed inside a host namespace of the test's.
 */
function network(w: World, host: TestNetns, bin: CniBinDir, name: string, plugins: object[]) {
  const list = networkConfFromBytes(Buffer.from(JSON.stringify({ cniVersion: '1.1.0', name, plugins })));
  const run: RunProcess = async (file, stdin, env) => {
    const r = spawnSync('ip', ['netns', 'exec', host.name, file], { input: stdin, env, timeout: 120_000 });
    if (r.error) throw r.error;
    return { stdout: r.stdout, stderr: r.stderr, status: r.status, signal: r.signal };
  };
  const cni = new CNIConfig({ path: [bin.dir], cacheDir: path.join(w.tmp, 'cache'), exec: new RawExec({ run, stderr: null }), env: { PATH: process.env.PATH ?? '' } });
  const rt = (netns: string, ifName: string) => ({ containerId: `c-${name}`, netns, ifName });
  return {
    add: async (netns: string, ifName: string) => (await cni.addNetworkList(list, rt(netns, ifName))).json as any,
    check: (netns: string, ifName: string) => cni.checkNetworkList(list, rt(netns, ifName)),
    del: (netns: string, ifName: string) => cni.delNetworkList(list, rt(netns, ifName)),
  };
}

/** A peer machine on a host's bridge: a namespace with one veth end in the bridge. */
function peer(w: World, host: TestNetns, bridge: string, cidr: string): TestNetns {
  const p = w.ns('cnivp');
  const hostEnd = `vp${uniqueSuffix()}`;
  ip(host, 'link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', p.name);
  ip(host, 'link', 'set', hostEnd, 'master', bridge, 'up');
  ip(p, 'addr', 'add', cidr, 'dev', 'eth0');
  ip(p, 'link', 'set', 'eth0', 'up');
  return p;
}

t('bridge then vrf through the runtime library: two VRFs with one address, each reaching only its own peer and gateway', async ({ bin }) => {
  const w = new World();
  try {
    const net = uniqueSubnets();
    const p = net.v4Prefix;
    const beyond = `${uniqueSubnets().v4Prefix}1`; // an address only host A has, behind C's default route
    const [hostA, hostB] = [w.ns('cnivha', true), w.ns('cnivhb', true)];
    const c = w.ns('cnivc');
    const sfx = uniqueSuffix();
    const brA = `vra-${sfx}`;
    const brB = `vrb-${sfx}`;
    // The same container address and gateway on both networks: only VRFs keep them apart.
    const ipam = { type: 'static', addresses: [{ address: `${p}5/24`, gateway: `${p}1` }], routes: [{ dst: '0.0.0.0/0' }] };
    const netA = network(w, hostA, bin, `vrfnet-a-${sfx}`, [{ type: 'bridge', bridge: brA, isGateway: true, ipam }, { type: 'vrf', vrfname: 'red' }]);
    const netB = network(w, hostB, bin, `vrfnet-b-${sfx}`, [{ type: 'bridge', bridge: brB, isGateway: true, ipam }, { type: 'vrf', vrfname: 'blue' }]);

    const result = await netA.add(c.path, 'eth0');
    assert.is(result.ips[0].address, `${p}5/24`, 'prevResult passed through');
    await netB.add(c.path, 'eth1');
    const peerA = peer(w, hostA, brA, `${p}6/24`);
    const peerB = peer(w, hostB, brB, `${p}7/24`);
    ip(hostA, 'addr', 'add', `${beyond}/32`, 'dev', 'lo');
    for (const peerNs of [peerA, peerB]) ip(peerNs, 'route', 'add', 'default', 'via', `${p}1`);

    assert.is(masterOf(c, 'eth0'), 'red');
    assert.is(masterOf(c, 'eth1'), 'blue');
    assert.equal([vrfTable(c, 'red'), vrfTable(c, 'blue')], [1, 2], 'free tables picked from 1');
    const red = vrfRoutes(c, 'red');
    assert.ok(red.some((r) => r.dst === 'default' && r.gateway === `${p}1` && r.dev === 'eth0'), `default route moved into red: ${JSON.stringify(red)}`);
    assert.ok(red.some((r) => r.dst === `${p}0/24` && r.dev === 'eth0'), 'prefix route in red');
    assert.equal([...mainRoutesVia(c, 'eth0'), ...mainRoutesVia(c, 'eth1')], [], 'nothing left in the main table');

    assert.ok(pings(peerA, `${p}5`), 'peer A reaches the container');
    assert.ok(pings(peerB, `${p}5`), 'peer B reaches the container at the same address');
    assert.ok(pings(c, `${p}6`, '-I', 'red'), 'red reaches peer A');
    assert.not.ok(pings(c, `${p}7`, '-I', 'red'), 'red does not reach peer B');
    assert.ok(pings(c, `${p}7`, '-I', 'blue'), 'blue reaches peer B');
    assert.not.ok(pings(c, `${p}6`, '-I', 'blue'), 'blue does not reach peer A');
    assert.ok(pings(c, beyond, '-I', 'red'), "red's default route leads to host A");
    assert.not.ok(pings(c, beyond, '-I', 'blue'), "blue's default route leads to host B, which has no such address");

    await netA.check(c.path, 'eth0');
    await netA.del(c.path, 'eth0');
    assert.equal(linkNames(c).sort(), ['blue', 'eth1', 'lo'], 'red went with its last port; eth0 deleted by bridge');
    assert.ok(pings(peerB, `${p}5`), 'blue unaffected');
    await netB.del(c.path, 'eth1');
    assert.equal(linkNames(c), ['lo']);
    await netB.del(c.path, 'eth1');
  } finally {
    w.cleanup();
  }
});

t("after ptp: its scope-link route to the gateway moves too, and DEL puts the routes back in the main table", ({ bin }) => {
  const w = new World();
  try {
    const host = w.ns('cnivhp', true);
    const c = w.ns('cnivc');
    const net = uniqueSubnets();
    const ptpConf = { cniVersion: '1.1.0', name: `vrfptp-${uniqueSuffix()}`, type: 'ptp', ipam: { type: 'host-local', dataDir: path.join(w.tmp, 'ipam'), ranges: [[{ subnet: net.v4 }]], routes: [{ dst: '0.0.0.0/0' }] } };
    const call = { containerId: 'c-ptp', netns: c.path, ifName: 'eth0', inNetns: host.name };
    const added = bin.run('ptp', { ...call, command: 'ADD', config: ptpConf });
    assert.is(added.code, 0, added.stderr);
    const gw = added.json.ips[0].gateway as string;
    const vrfConf = { cniVersion: '1.1.0', name: ptpConf.name, type: 'vrf', vrfname: 'green', table: 4242, prevResult: added.json };
    const r = bin.run('vrf', { ...call, command: 'ADD', config: vrfConf });
    assert.is(r.code, 0, r.stderr);
    assert.equal(r.json, added.json);
    assert.is(vrfTable(c, 'green'), 4242);
    const green = vrfRoutes(c, 'green');
    assert.ok(green.some((x) => x.dst === gw && x.scope === 'link'), `host route to the gateway in green: ${JSON.stringify(green)}`);
    assert.ok(green.some((x) => x.dst === 'default' && x.gateway === gw), 'default route through it in green');
    assert.ok(pings(c, gw, '-I', 'green'), 'the gateway answers inside the VRF');

    const d = bin.run('vrf', { ...call, command: 'DEL', config: vrfConf });
    assert.is(d.code, 0, d.stderr);
    assert.not.ok(linkNames(c).includes('green'), 'VRF removed with its last port');
    assert.ok(mainRoutesVia(c, 'eth0').some((x) => x.dst === 'default' && x.gateway === gw), 'default route back in main');
    assert.ok(pings(c, gw), 'reachable again without the VRF');
    assert.is(bin.run('ptp', { ...call, command: 'DEL', config: ptpConf }).code, 0);
  } finally {
    w.cleanup();
  }
});

/** The reference's test setup: a namespace with dummy links, addresses given, run by hand-made prevResults. */
function dummyWorld(w: World) {
  const ns = w.ns('cnivd');
  for (const [dev, addr] of [['dummy0', '10.0.0.2/24'], ['dummy1', '10.0.0.3/24']] as const) {
    ip(ns, 'link', 'add', dev, 'type', 'dummy');
    ip(ns, 'addr', 'add', addr, 'dev', dev);
    ip(ns, 'link', 'set', dev, 'up');
  }
  const conf = (vrfname: string, dev: string, extra: Record<string, unknown> = {}) => ({
    cniVersion: '1.0.0',
    name: 'vrftest',
    type: 'vrf',
    vrfname,
    ...extra,
    prevResult: { cniVersion: '1.0.0', interfaces: [{ name: dev, sandbox: ns.path }], ips: [{ address: dev === 'dummy0' ? '10.0.0.2/24' : '10.0.0.3/24', interface: 0 }] },
  });
  const run = (bin: CniBinDir, command: string, dev: string, config: object, netns = ns.path) => bin.run('vrf', { command, containerId: 'c-dummy', netns, ifName: dev, config });
  return { ns, conf, run };
}

t('tables, a VRF shared by two interfaces, CHECK, removal with the last port, IPv6 kept, idempotent DEL', ({ bin }) => {
  const w = new World();
  try {
    const { ns, conf, run } = dummyWorld(w);
    // Tables 1 and 2 taken by VRFs made elsewhere: the next free one is 3.
    ip(ns, 'link', 'add', 'other1', 'type', 'vrf', 'table', '1');
    ip(ns, 'link', 'add', 'other2', 'type', 'vrf', 'table', '2');
    ip(ns, 'addr', 'add', 'fd00:1234::2/64', 'dev', 'dummy0', 'nodad');
    ip(ns, 'route', 'add', '10.10.10.0/24', 'via', '10.0.0.1', 'dev', 'dummy0');
    ip(ns, 'route', 'add', 'fd00:5678::/64', 'via', 'fd00:1234::1', 'dev', 'dummy0');

    const a = run(bin, 'ADD', 'dummy0', conf('vrf0', 'dummy0'));
    assert.is(a.code, 0, a.stdout + a.stderr);
    assert.is(vrfTable(ns, 'vrf0'), 3);
    assert.is(masterOf(ns, 'dummy0'), 'vrf0');
    assert.ok(ipJson<any[]>(['-6', 'addr', 'show', 'dev', 'dummy0'], ns.name)[0].addr_info.some((x: any) => x.local === 'fd00:1234::2'), 'IPv6 address kept');
    assert.ok(vrfRoutes(ns, 'vrf0').some((r) => r.dst === '10.10.10.0/24' && r.gateway === '10.0.0.1'), 'IPv4 gateway route moved');
    assert.ok(vrfRoutes(ns, 'vrf0', '-6').some((r) => r.dst === 'fd00:5678::/64' && r.gateway === 'fd00:1234::1'), 'IPv6 gateway route moved');
    assert.equal(mainRoutesVia(ns, 'dummy0'), []);

    const conflict = run(bin, 'ADD', 'dummy1', conf('vrf0', 'dummy1', { table: 1002 }));
    assert.is(conflict.json.msg, 'cmdAdd failed: VRF vrf0 already exist with different routing table 3');
    assert.is(masterOf(ns, 'dummy1'), undefined, 'dummy1 left alone');
    assert.is(run(bin, 'ADD', 'dummy1', conf('vrf0', 'dummy1', { table: 3 })).code, 0);
    assert.is(run(bin, 'CHECK', 'dummy1', conf('vrf0', 'dummy1', { table: 3 })).code, 0);
    const wrongTable = run(bin, 'CHECK', 'dummy1', conf('vrf0', 'dummy1', { table: 7 }));
    assert.match(wrongTable.json.msg, /VRF vrf0 has routing table 3, not 7/);

    assert.is(run(bin, 'DEL', 'dummy0', conf('vrf0', 'dummy0')).code, 0);
    assert.is(masterOf(ns, 'dummy0'), undefined);
    assert.ok(mainRoutesVia(ns, 'dummy0').some((r) => r.dst === '10.10.10.0/24'), 'route back in main');
    assert.is(masterOf(ns, 'dummy1'), 'vrf0', 'the VRF stays while it has a port');
    const check = run(bin, 'CHECK', 'dummy0', conf('vrf0', 'dummy0'));
    assert.is(check.json.msg, 'Failed to find dummy0 associated to vrf vrf0');

    assert.is(run(bin, 'DEL', 'dummy1', conf('vrf0', 'dummy1')).code, 0);
    assert.not.ok(linkNames(ns).includes('vrf0'), 'VRF removed with its last port');
    assert.ok(linkNames(ns).includes('other1') && linkNames(ns).includes('other2'), 'other VRFs untouched');
    assert.is(run(bin, 'DEL', 'dummy1', conf('vrf0', 'dummy1')).code, 0, 'DEL again');
    assert.is(run(bin, 'DEL', 'dummy1', conf('vrf0', 'dummy1'), '/run/netns/cni-vrf-gone').code, 0, 'DEL without the netns');
  } finally {
    w.cleanup();
  }
});

t(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

t.run();
