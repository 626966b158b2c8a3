/**
 * bridge ADD -> CHECK -> DEL for every spec version through dist/cni, dual-stack with
 * isDefaultGateway, the result shape checked exactly against the kernel's state, and nothing left
 * after DEL (links, addresses, routes, reservations). The plugin runs inside a private "host"
 * namespace per test; the last test checks that the real host was left alone.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CniBinDir } from '../helpers/cni.js';
import { Fixture, linkDetails, linkExists, routes } from '../helpers/bridge.js';
import { RealHostGuard } from '../helpers/hostns.js';

const VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'];
const t = suite<{ bin: CniBinDir }>('bridge-versions');
const realHost = new RealHostGuard();
t.before(async (ctx) => {
  await realHost.take();
  ctx.bin = new CniBinDir();
});
t.after((ctx) => ctx.bin?.dispose());

for (const version of VERSIONS) {
  t(`[${version}] ADD, CHECK, DEL (twice); result shape; nothing left`, ({ bin }) => {
    const fx = new Fixture({ hostNetns: true });
    try {
      const ns = fx.netns();
      const config = fx.bridgeConf(version, { isDefaultGateway: true, ipam: fx.ipam(['4', '6']) });
      const call = { containerId: `c-${ns.name}`, netns: ns.path, ifName: 'eth0' };
      const add = fx.run(bin, 'bridge', { ...call, command: 'ADD', config });
      assert.is(add.code, 0, add.stdout + add.stderr);

      const [v4, v6, gw4, gw6] = [`${fx.net.v4Prefix}2/24`, `${fx.net.v6Prefix}2/64`, `${fx.net.v4Prefix}1`, `${fx.net.v6Prefix}1`];
      const routes4 = [{ dst: '0.0.0.0/0', gw: gw4 }];
      const routes6 = [{ dst: '::/0', gw: gw6 }];
      if (version === '0.1.0' || version === '0.2.0') {
        assert.equal(add.json, {
          cniVersion: version,
          ip4: { ip: v4, gateway: gw4, routes: routes4 },
          ip6: { ip: v6, gateway: gw6, routes: routes6 },
          dns: {},
        });
      } else {
        const hostVeth = fx.host.bridgePorts(fx.bridge)[0]!;
        const legacy = version.startsWith('0.');
        assert.equal(add.json, {
          cniVersion: version,
          interfaces: [
            { name: fx.bridge, mac: fx.host.link(fx.bridge).address },
            { name: hostVeth, mac: fx.host.link(hostVeth).address },
            { name: 'eth0', mac: linkDetails('eth0', ns.name).address, sandbox: ns.path },
          ],
          ips: [
            { ...(legacy ? { version: '4' } : {}), interface: 2, address: v4, gateway: gw4 },
            { ...(legacy ? { version: '6' } : {}), interface: 2, address: v6, gateway: gw6 },
          ],
          routes: [...routes4, ...routes6],
          dns: {},
        });
      }

      if (version >= '0.4.0') {
        const check = fx.run(bin, 'bridge', { ...call, command: 'CHECK', config: { ...config, prevResult: add.json } });
        assert.is(check.code, 0, check.stdout + check.stderr);
        assert.is(check.stdout, '');
        // CHECK notices a missing route.
        ns.execOk('ip', ['route', 'del', 'default']);
        const broken = fx.run(bin, 'bridge', { ...call, command: 'CHECK', config: { ...config, prevResult: add.json } });
        assert.is.not(broken.code, 0, 'CHECK fails without the default route');
        assert.match(broken.json.msg, /Expected Route .*0\.0\.0\.0\/0/);
      }

      for (let i = 0; i < 2; i++) {
        const del = fx.run(bin, 'bridge', { ...call, command: 'DEL', config });
        assert.is(del.code, 0, `DEL #${i + 1}: ${del.stdout}${del.stderr}`);
        assert.is(del.stdout, '');
      }
      assert.not.ok(linkExists('eth0', ns.name), 'container end gone');
      assert.equal(fx.host.bridgePorts(fx.bridge), [], 'host end gone');
      assert.equal(routes('4', ns.name), [], 'no IPv4 routes left in the container');
      assert.equal(fx.reservations(), [], 'no reservation left');
    } finally {
      fx.cleanup();
    }
  });
}

t(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

t.run();
