/**
 * bridge through dist/cni symlinks against the real kernel: connectivity, gateway modes, port
 * flags, MTU/MAC, L2 mode, concurrent ADDs on a new bridge, rollback of failed ADDs, idempotent DEL.
 * Every test uses its own bridge (cnib-*), subnets and namespaces, removed in finally. The plugin
 * runs inside a private "host" namespace per test (bridge, host veths, gateway addresses and
 * forwarding sysctls live there); the last test checks that the real host was left alone.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CniBinDir } from '../helpers/cni.js';
import { sh } from '../helpers/sh.js';
import { Fixture, addresses, linkDetails, linkExists, ping, routes } from '../helpers/bridge.js';
import { RealHostGuard } from '../helpers/hostns.js';
import type { TestNetns } from '../helpers/netns.js';

const t = suite<{ bin: CniBinDir }>('bridge');
const realHost = new RealHostGuard();
t.before(async (ctx) => {
  await realHost.take();
  ctx.bin = new CniBinDir();
});
t.after((ctx) => ctx.bin?.dispose());

/** Each test's world, with its own host namespace in which the plugin runs. */
const fixture = () => new Fixture({ hostNetns: true });

function add(bin: CniBinDir, fx: Fixture, ns: TestNetns, config: object, extra: { containerId?: string; ifName?: string; args?: string } = {}) {
  return fx.run(bin, 'bridge', { command: 'ADD', containerId: extra.containerId ?? `c-${ns.name}`, netns: ns.path, ifName: extra.ifName ?? 'eth0', config, ...(extra.args ? { args: extra.args } : {}) });
}
function del(bin: CniBinDir, fx: Fixture, ns: TestNetns | undefined, config: object, containerId?: string) {
  return fx.run(bin, 'bridge', { command: 'DEL', containerId: containerId ?? `c-${ns?.name}`, ...(ns ? { netns: ns.path } : {}), ifName: 'eth0', config });
}
const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => assert.is(r.code, 0, `${what}: ${r.stdout}${r.stderr}`);

t('two namespaces on one bridge ping each other and the gateway, IPv4 and IPv6', ({ bin }) => {
  const fx = fixture();
  try {
    const config = fx.bridgeConf('1.1.0', { isGateway: true, ipam: fx.ipam(['4', '6']) });
    const [a, b] = [fx.netns(), fx.netns()];
    const ra = add(bin, fx, a, config);
    ok(ra, 'ADD a');
    const rb = add(bin, fx, b, config);
    ok(rb, 'ADD b');
    const ipOf = (r: any, v6: boolean) => (r.json.ips as any[]).find((i) => i.address.includes(':') === v6).address.split('/')[0];
    assert.is(ra.json.ips[0].gateway, `${fx.net.v4Prefix}1`);
    assert.equal(fx.host.addresses(fx.bridge, 'inet'), [`${fx.net.v4Prefix}1/24`]);
    assert.ok(fx.host.addresses(fx.bridge, 'inet6').includes(`${fx.net.v6Prefix}1/64`), 'v6 gateway on the bridge');
    for (const [from, to] of [[a, rb], [b, ra]] as const) {
      assert.ok(ping(from, ipOf(to, false)), `${from.name} -> ${ipOf(to, false)}`);
      assert.ok(ping(from, ipOf(to, true)), `${from.name} -> ${ipOf(to, true)}`);
    }
    assert.ok(ping(a, `${fx.net.v4Prefix}1`), 'v4 gateway');
    assert.ok(ping(a, `${fx.net.v6Prefix}1`, 10), 'v6 gateway');
    // DAD is off in the container unless enabledad: addresses are usable at once.
    assert.is(a.execOk('cat', ['/proc/sys/net/ipv6/conf/eth0/accept_dad']).trim(), '0');
    assert.is(a.execOk('cat', ['/proc/sys/net/ipv4/conf/eth0/arp_notify']).trim(), '1');
  } finally {
    fx.cleanup();
  }
});

t('isDefaultGateway adds default routes per family; isGateway alone adds none', ({ bin }) => {
  const fx = fixture();
  try {
    const [a, b] = [fx.netns(), fx.netns()];
    // A fresh namespace inherits the real host's ip_forward: start from off, so "on" is the plugin's doing.
    fx.host.execOk('sysctl', ['-qw', 'net.ipv4.ip_forward=0', 'net.ipv6.conf.all.forwarding=0']);
    const gw = add(bin, fx, a, fx.bridgeConf('1.1.0', { isGateway: true, ipam: fx.ipam(['4', '6']) }));
    ok(gw, 'ADD isGateway');
    assert.equal(gw.json.routes ?? [], []);
    assert.not.ok(routes('4', a.name).some((r) => r.dst === 'default'), 'no v4 default route');
    const dgw = add(bin, fx, b, fx.bridgeConf('1.1.0', { isDefaultGateway: true, ipam: fx.ipam(['4', '6']) }));
    ok(dgw, 'ADD isDefaultGateway');
    assert.equal(dgw.json.routes, [{ dst: '0.0.0.0/0', gw: `${fx.net.v4Prefix}1` }, { dst: '::/0', gw: `${fx.net.v6Prefix}1` }]);
    assert.ok(routes('4', b.name).some((r) => r.dst === 'default' && r.gateway === `${fx.net.v4Prefix}1`), 'v4 default route');
    assert.ok(routes('6', b.name).some((r) => r.dst === 'default' && r.gateway === `${fx.net.v6Prefix}1`), 'v6 default route');
    assert.is(fx.host.sysctl('net/ipv4/ip_forward'), '1', 'forwarding on with a gateway');
    assert.is(fx.host.sysctl('net/ipv6/conf/all/forwarding'), '1', 'IPv6 forwarding on with an IPv6 gateway');
  } finally {
    fx.cleanup();
  }
});

t('hairpinMode, promiscMode and portIsolation are visible in the kernel; hairpin+promisc is refused', ({ bin }) => {
  const fx = fixture();
  try {
    const [a, b, c] = [fx.netns(), fx.netns(), fx.netns()];
    const hairpin = add(bin, fx, a, fx.bridgeConf('1.1.0', { hairpinMode: true, portIsolation: true }));
    ok(hairpin, 'ADD hairpin');
    const port = fx.host.link(hairpin.json.interfaces[1].name).linkinfo.info_slave_data;
    assert.is(port.hairpin, true, 'hairpin on');
    assert.is(port.isolated, true, 'isolated on');
    assert.is(fx.host.link(fx.bridge).promiscuity, 0, 'bridge not promiscuous');

    const promisc = add(bin, fx, b, fx.bridgeConf('1.1.0', { promiscMode: true }));
    ok(promisc, 'ADD promisc');
    assert.ok(fx.host.link(fx.bridge).promiscuity > 0, 'bridge promiscuous');
    const plain = fx.host.link(promisc.json.interfaces[1].name).linkinfo.info_slave_data;
    assert.is(plain.hairpin, false);
    assert.is(plain.isolated, false);

    const both = add(bin, fx, c, fx.bridgeConf('1.1.0', { hairpinMode: true, promiscMode: true }));
    assert.is.not(both.code, 0);
    assert.match(both.json.msg, /cannot set hairpin mode and promiscuous mode at the same time/);
    assert.not.ok(linkExists('eth0', c.name), 'nothing made in the refused namespace');
  } finally {
    fx.cleanup();
  }
});

t('mtu applies to both ends; MAC precedence CNI_ARGS < args.cni.mac < runtimeConfig.mac', ({ bin }) => {
  const fx = fixture();
  try {
    // host-local (as the reference's) rejects CNI_ARGS keys it does not know unless IgnoreUnknown.
    const cases: [Record<string, unknown>, string | undefined, string][] = [
      [{}, 'IgnoreUnknown=1;MAC=0a:58:00:00:00:01', '0a:58:00:00:00:01'],
      [{ args: { cni: { mac: '0a:58:00:00:00:02' } } }, 'IgnoreUnknown=1;MAC=0a:58:00:00:00:01', '0a:58:00:00:00:02'],
      [{ args: { cni: { mac: '0a:58:00:00:00:02' } }, runtimeConfig: { mac: '0a:58:00:00:00:03' } }, 'IgnoreUnknown=1;MAC=0a:58:00:00:00:01;K8S_POD_NAME=x', '0a:58:00:00:00:03'],
    ];
    for (const [extra, args, want] of cases) {
      const ns = fx.netns();
      const r = add(bin, fx, ns, fx.bridgeConf('1.1.0', { mtu: 1400, ...extra }), { args });
      ok(r, `ADD ${want}`);
      assert.is(r.json.interfaces[2].mac, want);
      const cont = linkDetails('eth0', ns.name);
      assert.is(cont.address, want);
      assert.is(cont.mtu, 1400);
      assert.is(fx.host.link(r.json.interfaces[1].name).mtu, 1400, 'host end mtu');
    }
    const bad = add(bin, fx, fx.netns(), fx.bridgeConf('1.1.0'), { args: 'FOO=bar' });
    assert.is(bad.json?.code, 4, bad.stdout);
  } finally {
    fx.cleanup();
  }
});

t('L2 only (no ipam): link up, no addresses, no IPAM; disableContainerInterface leaves it down', ({ bin }) => {
  const fx = fixture();
  try {
    const [a, b, c] = [fx.netns(), fx.netns(), fx.netns()];
    const l2 = add(bin, fx, a, fx.bridgeConf('1.1.0', { ipam: {} }));
    ok(l2, 'ADD L2');
    assert.is(l2.json.ips, undefined);
    assert.is(l2.json.interfaces.length, 3);
    assert.ok(linkDetails('eth0', a.name).flags.includes('UP'));
    assert.equal(addresses('eth0', 'inet', a.name), []);
    assert.equal(fx.host.addresses(fx.bridge, 'inet'), [], 'no gateway on an L2 bridge');

    const down = add(bin, fx, b, fx.bridgeConf('1.1.0', { ipam: undefined, disableContainerInterface: true }));
    ok(down, 'ADD disableContainerInterface');
    assert.not.ok(linkDetails('eth0', b.name).flags.includes('UP'), 'container end stays down');

    const refused = add(bin, fx, c, fx.bridgeConf('1.1.0', { disableContainerInterface: true }));
    assert.is.not(refused.code, 0);
    assert.match(refused.json.msg, /cannot use IPAM when DisableContainerInterface flag is set/);
    for (const ns of [a, b]) ok(del(bin, fx, ns, fx.bridgeConf('1.1.0', { ipam: {} })), 'DEL L2');
    assert.equal(fx.host.bridgePorts(fx.bridge), []);
  } finally {
    fx.cleanup();
  }
});

t('8 concurrent ADDs create one bridge with one gateway address and 8 ports', async ({ bin }) => {
  const fx = fixture();
  try {
    const config = fx.bridgeConf('1.0.0', { isGateway: true });
    const namespaces = Array.from({ length: 8 }, () => fx.netns());
    const results = await Promise.all(namespaces.map((ns) => fx.runAsync(bin, 'bridge', { command: 'ADD', containerId: `c-${ns.name}`, netns: ns.path, ifName: 'eth0', config })));
    results.forEach((r, i) => assert.is(r.code, 0, `ADD #${i}: ${r.stdout}${r.stderr}`));
    assert.is(fx.host.link(fx.bridge).linkinfo.info_kind, 'bridge');
    assert.is(fx.host.bridgePorts(fx.bridge).length, 8);
    assert.equal(fx.host.addresses(fx.bridge, 'inet'), [`${fx.net.v4Prefix}1/24`]);
    assert.is(new Set(results.map((r) => r.json.ips[0].address)).size, 8, 'distinct addresses');
    assert.is(fx.reservations().length, 8);
    assert.ok(ping(namespaces[0]!, results[7]!.json.ips[0].address.split('/')[0]));
    const dels = await Promise.all(namespaces.map((ns) => fx.runAsync(bin, 'bridge', { command: 'DEL', containerId: `c-${ns.name}`, netns: ns.path, ifName: 'eth0', config })));
    dels.forEach((r, i) => assert.is(r.code, 0, `DEL #${i}: ${r.stdout}${r.stderr}`));
    assert.equal(fx.host.bridgePorts(fx.bridge), []);
    assert.equal(fx.reservations(), []);
    assert.ok(fx.host.linkExists(fx.bridge), 'the bridge is never deleted');
  } finally {
    fx.cleanup();
  }
});

t('a failed ADD leaves no veth and no reservation (IPAM exhausted; address conflict after IPAM)', ({ bin }) => {
  const fx = fixture();
  try {
    const one = `${fx.net.v4Prefix}10`;
    const tiny = fx.bridgeConf('1.1.0', { ipam: fx.ipam(['4'], { ranges: [[{ subnet: fx.net.v4, rangeStart: one, rangeEnd: one }]] }) });
    const [a, b, c] = [fx.netns(), fx.netns(), fx.netns()];
    ok(add(bin, fx, a, tiny), 'first ADD');
    const exhausted = add(bin, fx, b, tiny);
    assert.is.not(exhausted.code, 0, 'second ADD fails: range exhausted');
    assert.not.ok(linkExists('eth0', b.name), 'no container end left');
    assert.is(fx.host.bridgePorts(fx.bridge).length, 1, 'no host end left');
    assert.equal(fx.reservations(), [one]);

    // isGateway with an unrelated address on the bridge fails after IPAM and veth were made.
    fx.host.execOk('ip', ['addr', 'add', `${fx.net.v4Prefix}200/24`, 'dev', fx.bridge]);
    const conflict = add(bin, fx, c, fx.bridgeConf('1.1.0', { isGateway: true, ipam: fx.ipam(['4'], { ranges: [[{ subnet: fx.net.v4, rangeStart: `${fx.net.v4Prefix}50` }]] }) }));
    assert.is.not(conflict.code, 0);
    assert.match(conflict.json.msg, /already has an IP address different from/);
    assert.not.ok(linkExists('eth0', c.name), 'veth rolled back');
    assert.is(fx.host.bridgePorts(fx.bridge).length, 1);
    assert.equal(fx.reservations(), [one], 'reservation released');

    const forced = add(bin, fx, c, fx.bridgeConf('1.1.0', { isGateway: true, forceAddress: true, ipam: fx.ipam(['4'], { ranges: [[{ subnet: fx.net.v4, rangeStart: `${fx.net.v4Prefix}50` }]] }) }));
    ok(forced, 'forceAddress replaces the address');
    assert.equal(fx.host.addresses(fx.bridge, 'inet'), [`${fx.net.v4Prefix}1/24`]);
  } finally {
    fx.cleanup();
  }
});

t('DEL twice, DEL without netns and DEL after the netns is gone succeed and release IPAM', ({ bin }) => {
  const fx = fixture();
  try {
    const config = fx.bridgeConf('1.1.0');
    const [a, b] = [fx.netns(), fx.netns()];
    ok(add(bin, fx, a, config), 'ADD a');
    ok(add(bin, fx, b, config), 'ADD b');
    assert.is(fx.reservations().length, 2);
    ok(del(bin, fx, a, config), 'DEL a');
    ok(del(bin, fx, a, config), 'DEL a again');
    assert.not.ok(linkExists('eth0', a.name));
    assert.is(fx.reservations().length, 1);
    // The runtime lost the namespace: DEL without CNI_NETNS releases IPAM only.
    ok(del(bin, fx, undefined, config, `c-${b.name}`), 'DEL without netns');
    assert.equal(fx.reservations(), []);
    b.remove();
    ok(del(bin, fx, b, config), 'DEL with a deleted netns');
    assert.equal(fx.host.bridgePorts(fx.bridge), [], 'the host end went with the namespace');
  } finally {
    fx.cleanup();
  }
});

t('ipMasq with an unknown ipMasqBackend: code 7, nothing created (ipMasq itself: ipmasq-plugins.test.ts)', ({ bin }) => {
  const fx = fixture();
  try {
    const ns = fx.netns();
    const r = add(bin, fx, ns, fx.bridgeConf('1.1.0', { ipMasq: true, ipMasqBackend: 'firewalld' }));
    assert.is(r.json?.code, 7, r.stdout);
    assert.is(r.json.msg, 'unknown ipmasq backend "firewalld"');
    assert.not.ok(fx.host.linkExists(fx.bridge), 'no bridge made');
    assert.equal(fx.reservations(), []);
    ok(del(bin, fx, ns, fx.bridgeConf('1.1.0', { ipMasq: true })), 'DEL of such a config still works');
  } finally {
    fx.cleanup();
  }
});

t('enabledad: DAD runs in the container and ADD waits for it', ({ bin }) => {
  const fx = fixture();
  try {
    const ns = fx.netns();
    const r = add(bin, fx, ns, fx.bridgeConf('1.1.0', { enabledad: true, isGateway: true, ipam: fx.ipam(['6']) }));
    ok(r, 'ADD');
    assert.is(ns.execOk('cat', ['/proc/sys/net/ipv6/conf/eth0/accept_dad']).trim(), '1');
    const [addr] = ipJsonAddrs(ns);
    assert.ok(addr && !addr.tentative, `address settled before ADD returned: ${JSON.stringify(addr)}`);
  } finally {
    fx.cleanup();
  }
});

t('STATUS and GC are delegated to IPAM; conf dns replaces the IPAM dns', ({ bin }) => {
  const fx = fixture();
  try {
    const [a, b] = [fx.netns(), fx.netns()];
    const dns = { nameservers: ['10.0.0.53'], search: ['example.test'] };
    const config = fx.bridgeConf('1.1.0', { dns });
    const ra = add(bin, fx, a, config);
    ok(ra, 'ADD a');
    assert.equal(ra.json.dns, dns);
    ok(add(bin, fx, b, config), 'ADD b');
    ok(fx.run(bin, 'bridge', { command: 'STATUS', config }), 'STATUS');
    ok(fx.run(bin, 'bridge', { command: 'STATUS', config: fx.bridgeConf('1.1.0', { ipam: {} }) }), 'STATUS of an L2 bridge');
    const gc = fx.run(bin, 'bridge', { command: 'GC', config: { ...config, 'cni.dev/valid-attachments': [{ containerID: `c-${a.name}`, ifname: 'eth0' }] } });
    ok(gc, 'GC');
    assert.equal(fx.reservations(), [ra.json.ips[0].address.split('/')[0]], "b's reservation collected, a's kept");
  } finally {
    fx.cleanup();
  }
});

function ipJsonAddrs(ns: TestNetns): any[] {
  const out = sh('ip', ['-n', ns.name, '-j', '-6', 'addr', 'show', 'dev', 'eth0', 'scope', 'global']).stdout;
  return (JSON.parse(out || '[]')[0]?.addr_info ?? []) as any[];
}

t(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

t.run();
