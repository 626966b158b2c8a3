/**
 * ptp through dist/cni symlinks: IPv4, IPv6 and dual-stack reachability of the host side, the
 * point-to-point routes on both sides, ADD/CHECK/DEL for every spec version, idempotent DEL,
 * rollback, and config errors (unknown ipMasqBackend, missing ipam). ipMasq itself is tested in
 * ipmasq-plugins.test.ts. The plugin runs inside a private "host" namespace per test (host veth,
 * host routes and forwarding sysctls live there); the last test checks that the real host was
 * left alone.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CniBinDir } from '../helpers/cni.js';
import { Fixture, linkExists, ping, routes } from '../helpers/bridge.js';
import { RealHostGuard } from '../helpers/hostns.js';
import type { TestNetns } from '../helpers/netns.js';

const VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'];
const t = suite<{ bin: CniBinDir }>('ptp');
const realHost = new RealHostGuard();
t.before(async (ctx) => {
  await realHost.take();
  ctx.bin = new CniBinDir();
});
t.after((ctx) => ctx.bin?.dispose());

function ptpConf(fx: Fixture, version: string, families: ('4' | '6')[], extra: Record<string, unknown> = {}) {
  const defaults = families.map((f) => ({ dst: f === '4' ? '0.0.0.0/0' : '::/0' }));
  return { cniVersion: version, name: fx.name, type: 'ptp', ipam: fx.ipam(families, { routes: defaults }), ...extra };
}
const call = (ns: TestNetns) => ({ containerId: `c-${ns.name}`, netns: ns.path, ifName: 'eth0' });

/** Each test's world, with its own host namespace in which the plugin runs. */
const fixture = () => new Fixture({ hostNetns: true });

/** Host routes (main table of the fixture's host) that point at `dev`, link-local ones aside. */
function hostRoutesVia(fx: Fixture, dev: string, family: '4' | '6'): string[] {
  return fx.host.routes(family).filter((r) => r.dev === dev && !String(r.dst).startsWith('fe80:')).map((r) => r.dst as string);
}

for (const families of [['4'], ['6'], ['4', '6']] as ('4' | '6')[][]) {
  t(`IPv${families.join('+IPv')}: the namespace reaches the host side; routes on both sides; DEL cleans up`, ({ bin }) => {
    const fx = fixture();
    try {
      const ns = fx.netns();
      const config = ptpConf(fx, '1.1.0', families);
      const add = fx.run(bin, 'ptp', { ...call(ns), command: 'ADD', config });
      assert.is(add.code, 0, add.stdout + add.stderr);
      const [host, cont] = add.json.interfaces;
      assert.is(add.json.interfaces.length, 2);
      assert.match(host.name, /^veth[0-9a-f]{8}$/);
      assert.equal(cont.name, 'eth0');
      assert.is(cont.sandbox, ns.path);
      for (const ipc of add.json.ips) assert.is(ipc.interface, 1);

      for (const f of families) {
        const [p, bits, fam] = f === '4' ? [fx.net.v4Prefix, 32, 'inet'] as const : [fx.net.v6Prefix, 128, 'inet6'] as const;
        const subnet = f === '4' ? fx.net.v4 : fx.net.v6;
        assert.ok(fx.host.addresses(host.name, fam).includes(`${p}1/${bits}`), `gateway /${bits} on the host end`);
        assert.equal(hostRoutesVia(fx, host.name, f), [`${p}2`], 'host route back to the container');
        const inside = routes(f, ns.name);
        assert.ok(inside.some((r) => r.dst === subnet && r.gateway === `${p}1` && r.prefsrc === `${p}2`), `${subnet} via gw src ip: ${JSON.stringify(inside)}`);
        assert.ok(inside.some((r) => r.dst === `${p}1` && !r.gateway && r.prefsrc === `${p}2`), 'gateway on-link');
        assert.not.ok(inside.some((r) => r.dst === subnet && !r.gateway), 'the plain subnet route was replaced');
        assert.ok(inside.some((r) => r.dst === 'default' && r.gateway === `${p}1`), 'default route via the gateway');
        assert.ok(ping(ns, `${p}1`), `ping ${p}1`);
        assert.ok(fx.host.ping(`${p}2`), `the host side reaches ${p}2`);
      }

      const check = fx.run(bin, 'ptp', { ...call(ns), command: 'CHECK', config: { ...config, prevResult: add.json } });
      assert.is(check.code, 0, check.stdout + check.stderr);
      for (let i = 0; i < 2; i++) {
        const del = fx.run(bin, 'ptp', { ...call(ns), command: 'DEL', config });
        assert.is(del.code, 0, `DEL #${i + 1}: ${del.stdout}${del.stderr}`);
      }
      assert.not.ok(fx.host.linkExists(host.name), 'host end gone');
      assert.not.ok(linkExists('eth0', ns.name));
      for (const f of families) assert.equal(hostRoutesVia(fx, host.name, f), []);
      assert.equal(fx.reservations(), []);
    } finally {
      fx.cleanup();
    }
  });
}

for (const version of VERSIONS) {
  t(`[${version}] ADD result shape, CHECK, DEL`, ({ bin }) => {
    const fx = fixture();
    try {
      const ns = fx.netns();
      const config = ptpConf(fx, version, ['4']);
      const add = fx.run(bin, 'ptp', { ...call(ns), command: 'ADD', config });
      assert.is(add.code, 0, add.stdout + add.stderr);
      const [ip, gw] = [`${fx.net.v4Prefix}2/24`, `${fx.net.v4Prefix}1`];
      if (version === '0.1.0' || version === '0.2.0') {
        assert.equal(add.json, { cniVersion: version, ip4: { ip, gateway: gw, routes: [{ dst: '0.0.0.0/0' }] }, dns: {} });
      } else {
        assert.is(add.json.interfaces.length, 2);
        assert.equal(add.json.ips, [{ ...(version.startsWith('0.') ? { version: '4' } : {}), interface: 1, address: ip, gateway: gw }]);
        assert.equal(add.json.routes, [{ dst: '0.0.0.0/0' }]);
      }
      if (version >= '0.4.0') {
        const check = fx.run(bin, 'ptp', { ...call(ns), command: 'CHECK', config: { ...config, prevResult: add.json } });
        assert.is(check.code, 0, check.stdout + check.stderr);
      }
      const del = fx.run(bin, 'ptp', { ...call(ns), command: 'DEL', config });
      assert.is(del.code, 0, del.stdout + del.stderr);
      assert.equal(fx.reservations(), []);
    } finally {
      fx.cleanup();
    }
  });
}

t('DEL without netns and after the netns is gone releases IPAM', ({ bin }) => {
  const fx = fixture();
  try {
    const [a, b] = [fx.netns(), fx.netns()];
    const config = ptpConf(fx, '1.0.0', ['4']);
    for (const ns of [a, b]) assert.is(fx.run(bin, 'ptp', { ...call(ns), command: 'ADD', config }).code, 0);
    assert.is(fx.reservations().length, 2);
    const noNetns = fx.run(bin, 'ptp', { containerId: `c-${a.name}`, ifName: 'eth0', command: 'DEL', config });
    assert.is(noNetns.code, 0, noNetns.stdout);
    b.remove();
    const gone = fx.run(bin, 'ptp', { ...call(b), command: 'DEL', config });
    assert.is(gone.code, 0, gone.stdout);
    assert.equal(fx.reservations(), []);
  } finally {
    fx.cleanup();
  }
});

t('a failed ADD (interface name taken) releases the address and leaves no veth', ({ bin }) => {
  const fx = fixture();
  try {
    const ns = fx.netns();
    ns.execOk('ip', ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'other0']);
    const before = fx.host.routes('4').length;
    const r = fx.run(bin, 'ptp', { ...call(ns), command: 'ADD', config: ptpConf(fx, '1.1.0', ['4']) });
    assert.is.not(r.code, 0);
    assert.match(r.json.msg, /container veth name \("eth0"\) peer provided \("veth[0-9a-f]{8}"\) already exists/);
    assert.equal(fx.reservations(), []);
    assert.is(fx.host.routes('4').length, before, 'no host route left');
  } finally {
    fx.cleanup();
  }
});

t('unknown ipMasqBackend: code 7, nothing reserved; ipam is required (code 7)', ({ bin }) => {
  const fx = fixture();
  try {
    const ns = fx.netns();
    const masq = fx.run(bin, 'ptp', { ...call(ns), command: 'ADD', config: ptpConf(fx, '1.1.0', ['4'], { ipMasq: true, ipMasqBackend: 'firewalld' }) });
    assert.is(masq.json?.code, 7, masq.stdout);
    assert.is(masq.json.msg, 'unknown ipmasq backend "firewalld"');
    assert.equal(fx.reservations(), []);
    const noIpam = fx.run(bin, 'ptp', { ...call(ns), command: 'ADD', config: { cniVersion: '1.1.0', name: fx.name, type: 'ptp' } });
    assert.is(noIpam.json?.code, 7, noIpam.stdout);
  } finally {
    fx.cleanup();
  }
});

t(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

t.run();
