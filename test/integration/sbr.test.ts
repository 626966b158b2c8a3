/**
 * sbr through dist/cni symlinks and the runtime library. The main test builds a container with
 * two interfaces, each a bridge attachment in its own private "host" namespace (a router), each
 * router with a peer namespace behind it that only that router reaches; the container answers
 * pings from both peers (replies leave through the interface of the address pinged, via its
 * gateway) and reaches each peer from the matching source address. DEL leaves no rule and no
 * route in the tables. Then `table`, `gateways`, `addSourceHints`, errors, and idempotent DEL.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CniBinDir } from '../helpers/cni.js';
import { HostNsFixture, RealHostGuard, type Peer } from '../helpers/hostns.js';
import { RuntimeInNetns } from '../helpers/runtime-netns.js';
import { ping } from '../helpers/bridge.js';
import { ipJson, sh } from '../helpers/sh.js';
import type { TestNetns } from '../helpers/netns.js';

const t = suite<{ bin: CniBinDir }>('sbr');
const realHost = new RealHostGuard();
t.before(async (ctx) => {
  await realHost.take();
  ctx.bin = new CniBinDir();
});
t.after((ctx) => ctx.bin?.dispose());

const PLUGINS = ['bridge', 'host-local', 'sbr'];

/** A router: a fixture whose host namespace forwards, with a peer that routes the fixture's subnet back to it. */
function router(): { fx: HostNsFixture; peer: Peer } {
  const fx = new HostNsFixture();
  fx.host.execOk('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
  const peer = fx.peer();
  peer.ns.execOk('ip', ['route', 'add', fx.net.v4, 'via', peer.hostV4]);
  return { fx, peer };
}

function bridgeSbrList(fx: HostNsFixture, ipam: Record<string, unknown>, sbr: Record<string, unknown> = {}) {
  return RuntimeInNetns.list({
    cniVersion: '1.1.0',
    name: fx.name,
    plugins: [
      { type: 'bridge', bridge: fx.bridge, isGateway: true, ipam: { ...fx.ipam(), ...ipam } },
      { type: 'sbr', ...sbr },
    ],
  });
}

const rules = (ns: TestNetns) => ipJson<any[]>(['-4', 'rule', 'show'], ns.name);
/** Routes of a table; [] when the table does not exist (IPv4 has no empty tables). */
function tableRoutes(ns: TestNetns, table: number): any[] {
  const r = sh('ip', ['-n', ns.name, '-j', '-4', 'route', 'show', 'table', String(table)]);
  if (r.code !== 0 && /FIB table does not exist/.test(r.stderr)) return [];
  assert.is(r.code, 0, r.stderr);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}
const mainRoutes = (ns: TestNetns) => ipJson<any[]>(['-4', 'route', 'show', 'table', 'main'], ns.name);
const DEFAULT_RULES = [0, 32766, 32767];

t('two interfaces: each answers its peer through its own gateway, from its own address; DEL removes rules and tables', async ({ bin }) => {
  const a = router();
  const b = router();
  const rts: RuntimeInNetns[] = [];
  try {
    const c = a.fx.netns();
    const rtA = new RuntimeInNetns(bin, a.fx.host.name, PLUGINS);
    const rtB = new RuntimeInNetns(bin, b.fx.host.name, PLUGINS);
    rts.push(rtA, rtB);
    const listA = bridgeSbrList(a.fx, { routes: [{ dst: '0.0.0.0/0' }] });
    const listB = bridgeSbrList(b.fx, {});
    const attA = { containerId: `sbr-${c.name}`, netns: c.path, ifName: 'eth0' };
    const attB = { ...attA, ifName: 'eth1' };
    const addA = await rtA.cni.addNetworkList(listA, attA);
    const addB = await rtB.cni.addNetworkList(listB, attB);
    const [ipA, ipB] = [`${a.fx.net.v4Prefix}2`, `${b.fx.net.v4Prefix}2`];
    assert.equal(addA.result.ips?.map((i) => i.address), [`${ipA}/24`]);
    assert.equal(addB.result.ips?.map((i) => i.address), [`${ipB}/24`]);

    // Rules from each address to tables 100 and 101; the routes of each interface moved there.
    const mine = rules(c).filter((r) => !DEFAULT_RULES.includes(r.priority));
    assert.equal(mine.map((r) => [r.table, r.src]).sort(), [['100', ipA], ['101', ipB]]);
    const t100 = tableRoutes(c, 100);
    assert.ok(t100.some((r) => r.dst === 'default' && r.gateway === `${a.fx.net.v4Prefix}1` && r.dev === 'eth0'), JSON.stringify(t100));
    assert.ok(t100.some((r) => r.dst === a.fx.net.v4 && r.dev === 'eth0' && r.prefsrc === ipA), JSON.stringify(t100));
    const t101 = tableRoutes(c, 101);
    assert.ok(t101.some((r) => r.dst === 'default' && r.gateway === `${b.fx.net.v4Prefix}1` && r.dev === 'eth1'), 'gateway of prevResult as default route');
    assert.ok(t101.some((r) => r.dst === b.fx.net.v4 && r.dev === 'eth1'));
    assert.equal(mainRoutes(c), [], 'nothing of eth0/eth1 left in the main table');

    // Each peer reaches the container's address on its side; only its own router knows the way back.
    assert.ok(ping(a.peer.ns, ipA), 'peer A pings eth0');
    assert.ok(ping(b.peer.ns, ipB), 'peer B pings eth1');
    assert.not.ok(b.peer.ns.exec('ping', ['-c1', '-W1', ipA]).code === 0, 'peer B has no way to eth0 (control)');
    // The container reaches each peer from the matching source, through the matching gateway.
    assert.ok(c.exec('ping', ['-c1', '-W2', '-I', ipA, a.peer.peerV4]).code === 0, 'from eth0 address to peer A');
    assert.ok(c.exec('ping', ['-c1', '-W2', '-I', ipB, b.peer.peerV4]).code === 0, 'from eth1 address to peer B');
    const via = ipJson<any[]>(['route', 'get', b.peer.peerV4, 'from', ipB], c.name)[0];
    assert.equal([via.gateway, via.dev], [`${b.fx.net.v4Prefix}1`, 'eth1']);

    // CHECK of sbr itself (a whole-list CHECK fails at bridge, whose gateway route sbr moved,
    // as with the reference plugins).
    for (const [add, ifName] of [[addA, 'eth0'], [addB, 'eth1']] as const) {
      const check = bin.run('sbr', { ...attA, ifName, command: 'CHECK', config: { cniVersion: '1.1.0', name: 'x', type: 'sbr', prevResult: add.json } });
      assert.is(check.code, 0, check.stdout);
    }
    const noRule = bin.run('sbr', { ...attA, command: 'CHECK', config: { cniVersion: '1.1.0', name: 'x', type: 'sbr', prevResult: { ...addA.json, ips: [{ address: '10.1.1.1/24' }] } } });
    assert.match(noRule.json?.msg ?? '', /sbr: no source rule for 10.1.1.1/);

    await rtB.cni.delNetworkList(listB, attB);
    await rtA.cni.delNetworkList(listA, attA);
    assert.equal(rules(c).map((r) => r.priority), DEFAULT_RULES, 'only the default rules remain');
    assert.equal(tableRoutes(c, 100), []);
    assert.equal(tableRoutes(c, 101), []);
    // DEL again (the runtime may repeat it): nothing left, still success.
    await rtA.cni.delNetworkList(listA, attA);
  } finally {
    for (const rt of rts) rt.dispose();
    a.fx.cleanup();
    b.fx.cleanup();
  }
});

t('dual-stack: an IPv4 and an IPv6 table, each with its default route; the peer reaches both addresses; DEL cleans both families', async ({ bin }) => {
  const a = router();
  a.fx.host.execOk('sysctl', ['-qw', 'net.ipv6.conf.all.forwarding=1']);
  a.peer.ns.execOk('ip', ['-6', 'route', 'add', a.fx.net.v6, 'via', a.peer.hostV6]);
  const rt = new RuntimeInNetns(bin, a.fx.host.name, PLUGINS);
  try {
    const c = a.fx.netns();
    for (const key of ['net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']) c.execOk('sysctl', ['-qw', key]);
    const list = bridgeSbrList(a.fx, { ranges: [[{ subnet: a.fx.net.v4 }], [{ subnet: a.fx.net.v6 }]], routes: [{ dst: '0.0.0.0/0' }, { dst: '::/0' }] });
    const att = { containerId: `sbr-${c.name}`, netns: c.path, ifName: 'eth0' };
    await rt.cni.addNetworkList(list, att);
    const [ip4, ip6] = [`${a.fx.net.v4Prefix}2`, `${a.fx.net.v6Prefix}2`];
    const rules6 = ipJson<any[]>(['-6', 'rule', 'show'], c.name).filter((r) => r.src === ip6);
    assert.equal(rules6.map((r) => r.table), ['101'], 'the IPv6 address looks up the second table');
    assert.equal(rules(c).filter((r) => r.src === ip4).map((r) => r.table), ['100']);
    const t101 = ipJson<any[]>(['-6', 'route', 'show', 'table', '101'], c.name);
    assert.ok(t101.some((r) => r.dst === 'default' && r.gateway === `${a.fx.net.v6Prefix}1` && r.dev === 'eth0'), JSON.stringify(t101));
    assert.ok(t101.some((r) => r.dst === a.fx.net.v6 && r.dev === 'eth0'), JSON.stringify(t101));
    assert.ok(ping(a.peer.ns, ip4), 'peer pings the IPv4 address');
    assert.ok(ping(a.peer.ns, ip6), 'peer pings the IPv6 address');
    await rt.cni.delNetworkList(list, att);
    assert.equal(ipJson<any[]>(['-6', 'rule', 'show'], c.name).map((r) => r.priority), [0, 32766], 'IPv6 has no "default" table rule');
    assert.equal(rules(c).map((r) => r.priority), DEFAULT_RULES);
  } finally {
    rt.dispose();
    a.fx.cleanup();
  }
});

t('`table`: only source rules to that table, routes stay; DEL removes just those rules', async ({ bin }) => {
  const a = router();
  const rt = new RuntimeInNetns(bin, a.fx.host.name, PLUGINS);
  try {
    const c = a.fx.netns();
    const list = bridgeSbrList(a.fx, { routes: [{ dst: '0.0.0.0/0' }] }, { table: 5000 });
    const att = { containerId: `sbr-${c.name}`, netns: c.path, ifName: 'eth0' };
    await rt.cni.addNetworkList(list, att);
    const ip = `${a.fx.net.v4Prefix}2`;
    const mine = rules(c).filter((r) => !DEFAULT_RULES.includes(r.priority));
    assert.equal(mine.map((r) => [r.src, r.table]), [[ip, '5000']]);
    assert.ok(mainRoutes(c).some((r) => r.dst === 'default'), 'routes not moved');
    assert.equal(tableRoutes(c, 5000), []);
    await rt.cni.delNetworkList(list, att);
    assert.equal(rules(c).map((r) => r.priority), DEFAULT_RULES);
  } finally {
    rt.dispose();
    a.fx.cleanup();
  }
});

t('`gateways` gives the default route when prevResult has no gateway; `addSourceHints` keeps the subnet route in main with a source hint', async ({ bin }) => {
  const a = router();
  const rt = new RuntimeInNetns(bin, a.fx.host.name, PLUGINS);
  try {
    const c = a.fx.netns();
    const gw = `${a.fx.net.v4Prefix}254`;
    // No default route from IPAM (as with a DHCP server that sends none); a copied default route
    // would replace the configured one, as in the reference.
    const list = bridgeSbrList(a.fx, {}, { gateways: [gw, 'fd00::1'], addSourceHints: true });
    const att = { containerId: `sbr-${c.name}`, netns: c.path, ifName: 'eth0' };
    await rt.cni.addNetworkList(list, att);
    const ip = `${a.fx.net.v4Prefix}2`;
    const t100 = tableRoutes(c, 100);
    assert.ok(t100.some((r) => r.dst === 'default' && r.gateway === gw), `default via the configured gateway: ${JSON.stringify(t100)}`);
    const main = mainRoutes(c);
    assert.equal(main.map((r) => [r.dst, r.prefsrc, r.scope]), [[a.fx.net.v4, ip, 'link']], 'only the subnet route, with src hint');
    // Without a source address the container still reaches its subnet (the point of the hints).
    assert.ok(ping(c, `${a.fx.net.v4Prefix}1`), 'unsourced traffic to the subnet');
    await rt.cni.delNetworkList(list, att);
    assert.equal(rules(c).map((r) => r.priority), DEFAULT_RULES);
    assert.equal(tableRoutes(c, 100), []);
  } finally {
    rt.dispose();
    a.fx.cleanup();
  }
});

t('on an interface that stays, DEL moves the routes back to the main table, and ADD works again; without it, DEL still removes the rules', ({ bin }) => {
  const fx = new HostNsFixture();
  try {
    const c = fx.netns();
    c.execOk('ip', ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'p0']);
    c.execOk('ip', ['addr', 'add', '10.250.3.2/24', 'dev', 'eth0']);
    for (const dev of ['p0', 'eth0']) c.execOk('ip', ['link', 'set', dev, 'up']);
    c.execOk('ip', ['route', 'add', 'default', 'via', '10.250.3.1']);
    const before = mainRoutes(c);
    const config = { cniVersion: '1.0.0', name: 'sbrnet', type: 'sbr', prevResult: { cniVersion: '1.0.0', interfaces: [{ name: 'eth0', sandbox: c.path }], ips: [{ interface: 0, address: '10.250.3.2/24', gateway: '10.250.3.1' }] } };
    const call = { containerId: 'sbr-again', netns: c.path, ifName: 'eth0' };
    for (let round = 1; round <= 2; round++) {
      const add = bin.run('sbr', { ...call, command: 'ADD', config });
      assert.is(add.code, 0, `ADD #${round}: ${add.stdout}`);
      assert.equal(mainRoutes(c), []);
      assert.equal(tableRoutes(c, 100).map((r) => r.dst).sort(), ['10.250.3.0/24', 'default']);
      const del = bin.run('sbr', { ...call, command: 'DEL', config });
      assert.is(del.code, 0, `DEL #${round}: ${del.stdout}`);
      assert.equal(mainRoutes(c), before, 'routes back in main');
      assert.equal(tableRoutes(c, 100), []);
      assert.equal(rules(c).map((r) => r.priority), DEFAULT_RULES);
    }
    // The interface already gone: DEL finds its rules through prevResult.
    assert.is(bin.run('sbr', { ...call, command: 'ADD', config }).code, 0);
    c.execOk('ip', ['link', 'del', 'eth0']);
    assert.is(bin.run('sbr', { ...call, command: 'DEL', config }).code, 0);
    assert.equal(rules(c).map((r) => r.priority), DEFAULT_RULES, 'rule removed without the interface');
  } finally {
    fx.cleanup();
  }
});

t('errors: not chained, no addresses, bad gateways (code 7, nothing changed); DEL of a gone netns succeeds', ({ bin }) => {
  const fx = new HostNsFixture();
  try {
    const c = fx.netns();
    const call = { containerId: 'sbr-err', netns: c.path, ifName: 'eth0' };
    const base = { cniVersion: '1.0.0', name: 'sbrnet', type: 'sbr' };
    const prev = { cniVersion: '1.0.0', interfaces: [{ name: 'eth0', sandbox: c.path }], ips: [{ interface: 0, address: '10.250.1.2/24' }] };
    const cases: [object, RegExp][] = [
      [base, /This plugin must be called as chained plugin/],
      [{ ...base, prevResult: { cniVersion: '1.0.0', ips: [] } }, /No IP addresses supplied on interface: eth0/],
      [{ ...base, gateways: ['10.0.0.1', '10.0.0.2'], prevResult: prev }, /gateways list contains multiple IPv4 addresses: 10.0.0.1 and 10.0.0.2/],
      [{ ...base, gateways: ['a', 'b', 'c'], prevResult: prev }, /cannot contain more than 2 entries/],
      [{ ...base, gateways: ['nope'], prevResult: prev }, /invalid static gateway IP address: nope/],
      [{ ...base, table: 'x', prevResult: prev }, /"table" must be an integer/],
      [{ ...base, table: 255, prevResult: prev }, /"table" must be a routing table id/],
    ];
    for (const [config, msg] of cases) {
      const r = bin.run('sbr', { ...call, command: 'ADD', config });
      assert.is(r.code, 1, r.stdout);
      assert.is(r.json.code, 7, r.stdout);
      assert.match(r.json.msg, msg);
    }
    assert.equal(rules(c).map((r) => r.priority), DEFAULT_RULES, 'no rule made');
    // The interface is missing: ADD fails with code 999 and leaves no rule behind (rollback).
    const missing = bin.run('sbr', { ...call, command: 'ADD', config: { ...base, prevResult: prev } });
    assert.is(missing.json?.code, 999, missing.stdout);
    assert.match(missing.json.msg, /Cannot find network interface eth0/);
    assert.equal(rules(c).map((r) => r.priority), DEFAULT_RULES);
    const gone = bin.run('sbr', { containerId: 'sbr-err', netns: '/run/netns/does-not-exist', ifName: 'eth0', command: 'DEL', config: base });
    assert.is(gone.code, 0, gone.stdout);
  } finally {
    fx.cleanup();
  }
});

t(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

t.run();
