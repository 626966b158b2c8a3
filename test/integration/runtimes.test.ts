/**
 * Real runtimes against a farm of dist/cni: podman (CNI backend; its own generated conflists with
 * bridge, portmap, firewall and tuning) and containerd's `ctr run --cni`, in a scratch host netns
 * and a private mount namespace (test/helpers/runtime-world.ts). A container gets an address, two
 * containers reach each other, a published port is reached from a peer outside the host,
 * `--network a,b` works (two default routes), and removing the containers (CNI DEL) leaves no
 * veth, reservation or netfilter rule.
 *
 * podman's conflists end in "tuning": when dist/cni does not serve it, the podman scenarios cannot
 * run; this file then says so ("podman scenarios need the tuning plugin") and registers none of
 * them, so nothing is counted as passed.
 */
import { randomInt } from 'node:crypto';
import * as path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { binaryServes, RuntimeWorld } from '../helpers/runtime-world.js';

const IMAGE = 'localhost/cni-busybox:latest';
const subnet = () => `10.${randomInt(160, 200)}.${randomInt(0, 256)}`;
const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => assert.is(r.code, 0, `${what}: ${r.stdout}${r.stderr}`);

/** What is left of the containers after removal: host veths, reservations, rules naming their addresses. */
function assertNothingLeft(w: RuntimeWorld, networks: string[], addresses: string[]): void {
  assert.equal(w.hostVeths(), [], 'no container veth left in the host netns');
  for (const n of networks) assert.equal(w.reservations(n), [], `no host-local reservation left in ${n}`);
  const rules = w.netfilterText();
  for (const a of addresses) assert.not.ok(rules.includes(a), `no netfilter rule names ${a}`);
}

const podman = suite<{ w: RuntimeWorld }>('podman (CNI backend)');
podman.before((ctx) => {
  ctx.w = new RuntimeWorld();
  ctx.w.importImage(IMAGE);
});
podman.after((ctx) => ctx.w?.dispose());

podman('containers get addresses, reach each other, a published port is reached from outside, rm leaves nothing', ({ w }) => {
  const s = subnet();
  ok(w.podman('network', 'create', '--subnet', `${s}.0/24`, `cnirt-a-${w.suffix}`), 'network create');
  const net = `cnirt-a-${w.suffix}`;
  const conflist = JSON.parse(w.execOk('cat', [path.join('/etc/cni/net.d', `${net}.conflist`)]));
  assert.equal(conflist.plugins.map((p: { type: string }) => p.type), ['bridge', 'portmap', 'firewall', 'tuning'], 'podman generated its usual chain');
  ok(w.podman('run', '-d', '--name', 'web', '--network', net, '-p', '18081:80', IMAGE, 'httpd', '-f', '-p', '80', '-h', '/www'), 'run web');
  const webIp = w.podman('inspect', 'web', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}').stdout.trim();
  assert.match(webIp, new RegExp(`^${s.replace(/\./g, '\\.')}\\.\\d+$`), 'web has an address in the network');
  const other = w.podman('run', '--rm', '--network', net, IMAGE, 'sh', '-c', `ping -c1 -W3 ${webIp} && wget -qO- http://${webIp}/`);
  ok(other, 'a second container pings web and fetches its page');
  assert.match(other.stdout, 'hello-from-container');
  const viaPort = w.peer.exec('sh', ['-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | socat -T5 - TCP:${w.hostAddr}:18081`]);
  assert.match(viaPort.stdout, 'hello-from-container', `published port from the peer: ${viaPort.stdout}${viaPort.stderr}`);
  ok(w.podman('rm', '-f', '-t', '0', 'web'), 'rm web');
  assertNothingLeft(w, [net], [webIp]);
});

podman('--network a,b: two interfaces, a default route through each; rm leaves nothing', ({ w }) => {
  const [sa, sb] = [subnet(), subnet()];
  const [a, b] = [`cnirt-b1-${w.suffix}`, `cnirt-b2-${w.suffix}`];
  ok(w.podman('network', 'create', '--subnet', `${sa}.0/24`, a), 'network a');
  ok(w.podman('network', 'create', '--subnet', `${sb}.0/24`, b), 'network b');
  const r = w.podman('run', '--rm', '--network', `${a},${b}`, IMAGE, 'sh', '-c', `ip -4 -o addr; ip route; ping -c1 -W3 ${sa}.1 && ping -c1 -W3 ${sb}.1`);
  ok(r, 'run on two networks');
  assert.match(r.stdout, `default via ${sa}.1`);
  assert.match(r.stdout, `default via ${sb}.1`);
  assert.match(r.stdout, /eth0.*inet /);
  assert.match(r.stdout, /eth1.*inet /);
  assertNothingLeft(w, [a, b], [`${sa}.`, `${sb}.`]);
});

const ctr = suite<{ w: RuntimeWorld }>('containerd (ctr run --cni)');
ctr.before((ctx) => {
  ctx.w = new RuntimeWorld();
  ctx.w.startContainerd();
});
ctr.after((ctx) => ctx.w?.dispose());

ctr('ctr run --cni: an address from our bridge, a second container reaches the first, DEL on exit leaves nothing', async ({ w }) => {
  const s = subnet();
  const network = `cnirt-ctr-${w.suffix}`;
  const conflist = {
    cniVersion: '1.0.0',
    name: network,
    plugins: [
      { type: 'bridge', bridge: `cnirt${w.suffix}`.slice(0, 15), isGateway: true, ipMasq: true, ipam: { type: 'host-local', ranges: [[{ subnet: `${s}.0/24` }]], routes: [{ dst: '0.0.0.0/0' }] } },
      { type: 'portmap', capabilities: { portMappings: true } },
      { type: 'firewall' },
    ],
  };
  w.execOk('sh', ['-c', `cat > /etc/cni/net.d/10-${network}.conflist`], JSON.stringify(conflist));
  const web = w.ctrRunBackground('web', w.makeRootfs(path.join(w.dir, 'rootfs-web')), ['/bin/busybox', 'httpd', '-f', '-p', '80', '-h', '/www']);
  const pid = w.ctrTaskPid('web');
  const [webAddr] = w.addressesOf(pid, 'eth0');
  assert.ok(webAddr?.startsWith(`${s}.`), `web's address ${webAddr}`);
  const webIp = webAddr!.split('/')[0]!;
  const client = w.ctr('run', '--rm', '--cni', '--rootfs', w.makeRootfs(path.join(w.dir, 'rootfs-client')), 'client', '/bin/busybox', 'sh', '-c', `ping -c1 -W3 ${webIp} && wget -qO- http://${webIp}/`);
  ok(client, 'client reaches web');
  assert.match(client.stdout, 'hello-from-container');
  ok(w.ctr('task', 'kill', '-s', 'KILL', 'web'), 'kill web');
  const ended = await web.done;
  assert.ok(ended.code !== -1, 'ctr run ended');
  assertNothingLeft(w, [network], [webIp]);
});

if (binaryServes('tuning')) podman.run();
else console.log('\npodman scenarios need the tuning plugin (podman\'s generated conflists end in "tuning", which dist/cni does not serve): not run, nothing counted\n');
ctr.run();
