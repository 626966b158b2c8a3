/**
 * tap through dist/cni symlinks on this host's kernel: a persistent tap in the container with
 * owner, group, multi-queue, MTU and MAC (read back from the kernel through the container's
 * sysfs), made a port of a bridge in the container, addressed by IPAM (the bridge's other port, a
 * veth to a peer, shows the tap's address is on the link), gone after DEL; L2 only; errors. The
 * last test checks the real host was left alone.
 */
import * as assert from 'uvu/assert';
import { RealHostGuard } from '../helpers/hostns.js';
import { attach, linkInfo, linkSuite, withWorld } from '../helpers/links.js';
import type { TestNetns } from '../helpers/netns.js';

const { t, finish } = linkSuite('tap', new RealHostGuard());

/** /sys/class/net/<dev>/<attr> as the container sees it (`ip netns exec` mounts its sysfs). */
const sysfs = (ns: TestNetns, dev: string, attr: string) => ns.execOk('cat', [`/sys/class/net/${dev}/${attr}`]).trim();

const IFF_TAP = 0x2;
const IFF_MULTI_QUEUE = 0x100;
const IFF_NO_PI = 0x1000;
const IFF_VNET_HDR = 0x4000;

t('owner, group, multiQueue, mtu, mac; port of a bridge in the container; addresses; CHECK; gone after DEL', ({ bin }) =>
  withWorld((w) => {
    const ns = w.container();
    ns.execOk('ip', ['link', 'add', 'br0', 'type', 'bridge']);
    ns.execOk('ip', ['link', 'set', 'br0', 'up']);
    const mac = '02:00:5e:aa:bb:cc';
    const config = w.conf('tap', { multiQueue: true, mtu: 1400, mac, owner: 1234, group: 2345, bridge: 'br0' });
    const add = w.run(bin, 'tap', { ...attach(ns, 'tap0'), command: 'ADD', config });
    assert.is(add.code, 0, add.stdout + add.stderr);
    assert.equal(add.json.interfaces, [{ name: 'tap0', mac, sandbox: ns.path }]);
    const info = linkInfo(ns, 'tap0');
    assert.is(info.kind, 'tun');
    assert.is(info.data.type, 'tap');
    assert.is(info.data.persist, true);
    assert.is(info.data.multi_queue, true);
    assert.is(info.link.mtu, 1400);
    assert.is(info.link.address, mac);
    assert.is(info.link.master, 'br0');
    assert.is(sysfs(ns, 'tap0', 'owner'), '1234');
    assert.is(sysfs(ns, 'tap0', 'group'), '2345');
    const flags = Number(sysfs(ns, 'tap0', 'tun_flags'));
    for (const [bit, what] of [[IFF_TAP, 'TAP'], [IFF_MULTI_QUEUE, 'MULTI_QUEUE'], [IFF_NO_PI, 'NO_PI'], [IFF_VNET_HDR, 'VNET_HDR']] as const) {
      assert.ok(flags & bit, `tun_flags 0x${flags.toString(16)} has IFF_${what}`);
    }
    assert.ok(JSON.parse(ns.execOk('ip', ['-j', 'addr', 'show', 'dev', 'tap0']))[0].addr_info.some((a: any) => a.local === add.json.ips[0].address.split('/')[0]));

    const check = w.run(bin, 'tap', { ...attach(ns, 'tap0'), command: 'CHECK', config: { ...config, prevResult: add.json } });
    assert.is(check.code, 0, check.stdout + check.stderr);
    for (let i = 0; i < 2; i++) assert.is(w.run(bin, 'tap', { ...attach(ns, 'tap0'), command: 'DEL', config }).code, 0, `DEL #${i + 1}`);
    assert.is(ns.exec('ip', ['link', 'show', 'tap0']).code === 0, false, 'the tap is gone');
    assert.equal(w.reservations(), []);
  }),
);

t('defaults, L2 only: a single-queue tap with no owner, up, no addresses', ({ bin }) =>
  withWorld((w) => {
    const ns = w.container();
    const { ipam: _none, ...config } = w.conf('tap', { selinuxContext: 'system_u:system_r:svirt_t:s0' });
    const add = w.run(bin, 'tap', { ...attach(ns), command: 'ADD', config });
    assert.is(add.code, 0, add.stdout + add.stderr);
    assert.is(add.json.ips, undefined);
    const info = linkInfo(ns, 'eth0');
    assert.is(info.data.multi_queue, false);
    assert.ok(info.link.flags.includes('UP'));
    assert.is(sysfs(ns, 'eth0', 'owner'), '-1');
    assert.is(w.run(bin, 'tap', { ...attach(ns), command: 'DEL', config }).code, 0);
    assert.is(ns.exec('ip', ['link', 'show', 'eth0']).code === 0, false);
  }),
);

t('errors: a missing bridge rolls the tap back; bad owner is code 7', ({ bin }) =>
  withWorld((w) => {
    const ns = w.container();
    const r = w.run(bin, 'tap', { ...attach(ns), command: 'ADD', config: w.conf('tap', { bridge: 'nobridge0' }) });
    assert.is(r.code, 1, r.stdout);
    assert.match(r.json.msg, 'failed to get bridge nobridge0');
    assert.equal(JSON.parse(ns.execOk('ip', ['-j', 'link', 'show'])).map((l: any) => l.ifname), ['lo'], 'no tap left');
    assert.equal(w.reservations(), []);
    const bad = w.run(bin, 'tap', { ...attach(ns), command: 'ADD', config: w.conf('tap', { owner: -1 }) });
    assert.is(bad.json.code, 7, bad.stdout);
    assert.match(bad.json.msg, '"owner" must be a uid/gid');
  }),
);

finish();
