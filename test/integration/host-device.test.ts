/**
 * host-device through dist/cni symlinks on this host's kernel. The "host device" is a veth end in
 * a scratch host namespace (its other end in a peer namespace): moved into the container as eth0
 * (by name or by MAC), addressed by IPAM, pinging the peer; DEL brings it back under its name with
 * its host addresses and up state, and releases IPAM. With the container's namespace gone: a
 * physical device comes back to the initial namespace by itself (simulated here by moving the link
 * out as the kernel would, under CNI_IFNAME and with its alias) and DEL renames it; a veth dies with
 * the namespace and DEL still releases IPAM. The last test checks the real host was left alone.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as assert from 'uvu/assert';
import { addresses, ping } from '../helpers/bridge.js';
import { RealHostGuard } from '../helpers/hostns.js';
import { LinkWorld, attach, linkInfo, linkSuite } from '../helpers/links.js';

const { t, finish } = linkSuite('host-device', new RealHostGuard());

/** A world whose master (the device to move) has a host address and a host-device state dir. */
function world<T>(fn: (w: LinkWorld, stateDir: string) => T): T {
  const w = new LinkWorld();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-hostdev-state-'));
  try {
    w.host.execOk('ip', ['addr', 'add', `${w.net.v4Prefix}250/24`, 'dev', w.master]);
    w.host.execOk('ip', ['link', 'set', w.master, 'alias', 'uplink to the peer']);
    return fn(w, stateDir);
  } finally {
    w.cleanup();
    fs.rmSync(stateDir, { recursive: true, force: true });
  }
}

const onHost = (w: LinkWorld) => JSON.parse(w.host.execOk('ip', ['-j', 'link', 'show'])).map((l: any) => l.ifname as string);

function assertRestored(w: LinkWorld, stateDir: string): void {
  assert.ok(onHost(w).includes(w.master), `${w.master} is back on the host`);
  const link = linkInfo(w.host, w.master).link;
  assert.ok(link.flags.includes('UP'), 'up again');
  assert.is(link.ifalias, 'uplink to the peer', 'its own alias restored');
  assert.equal(addresses(w.master, 'inet', w.host.name), [`${w.net.v4Prefix}250/24`]);
  assert.equal(w.reservations(), []);
  assert.equal(fs.readdirSync(path.join(stateDir, w.name)), [], 'no host-side record left');
}

for (const by of ['device', 'hwaddr'] as const) {
  t(`by ${by}: moved in as eth0 with IPAM, reaches the peer; CHECK; DEL moves it back, name, addresses and up state restored`, ({ bin }) =>
    world((w, stateDir) => {
      const ns = w.container();
      const mac = linkInfo(w.host, w.master).link.address as string;
      const config = w.conf('host-device', { [by]: by === 'device' ? w.master : mac.toUpperCase(), dataDir: stateDir });
      const add = w.run(bin, 'host-device', { ...attach(ns), command: 'ADD', config });
      assert.is(add.code, 0, add.stdout + add.stderr);
      assert.equal(add.json.interfaces, [{ name: 'eth0', mac, sandbox: ns.path }]);
      assert.not.ok(onHost(w).includes(w.master), 'gone from the host');
      const inside = linkInfo(ns, 'eth0').link;
      assert.is(inside.ifalias, w.master, 'original name kept as the alias');
      assert.ok(ping(ns, w.peerV4), 'the container reaches the peer through the moved device');

      const check = w.run(bin, 'host-device', { ...attach(ns), command: 'CHECK', config: { ...config, prevResult: add.json } });
      assert.is(check.code, 0, check.stdout + check.stderr);
      for (let i = 0; i < 2; i++) {
        const del = w.run(bin, 'host-device', { ...attach(ns), command: 'DEL', config });
        assert.is(del.code, 0, `DEL #${i + 1}: ${del.stdout}${del.stderr}`);
      }
      assert.is(ns.exec('ip', ['link', 'show', 'eth0']).code === 0, false);
      assertRestored(w, stateDir);
      assert.ok(ping(w.host, w.peerV4), 'the host reaches the peer again');
    }),
  );
}

t('no ipam: moved in and up, the result has only the interface', ({ bin }) =>
  world((w, stateDir) => {
    const ns = w.container();
    const { ipam: _none, ...config } = w.conf('host-device', { device: w.master, dataDir: stateDir });
    const add = w.run(bin, 'host-device', { ...attach(ns, 'net1'), command: 'ADD', config });
    assert.is(add.code, 0, add.stdout + add.stderr);
    assert.is(add.json.ips, undefined);
    assert.ok(linkInfo(ns, 'net1').link.flags.includes('UP'));
    assert.is(w.run(bin, 'host-device', { ...attach(ns, 'net1'), command: 'DEL', config }).code, 0);
    assert.ok(onHost(w).includes(w.master));
  }),
);

t('netns gone, device returned by the kernel under CNI_IFNAME: DEL finds it by alias and restores it', ({ bin }) =>
  world((w, stateDir) => {
    const ns = w.container();
    const config = w.conf('host-device', { device: w.master, dataDir: stateDir });
    assert.is(w.run(bin, 'host-device', { ...attach(ns), command: 'ADD', config }).code, 0);
    // What the kernel does to a physical device when its namespace dies: back home, same name.
    ns.execOk('ip', ['link', 'set', 'eth0', 'netns', w.host.name]);
    ns.remove();
    assert.ok(onHost(w).includes('eth0'));
    const del = w.run(bin, 'host-device', { ...attach(ns), command: 'DEL', config });
    assert.is(del.code, 0, del.stdout + del.stderr);
    assert.not.ok(onHost(w).includes('eth0'));
    assertRestored(w, stateDir);
  }),
);

t('netns gone with a virtual device (destroyed with it): DEL succeeds and releases IPAM; also without CNI_NETNS', ({ bin }) =>
  world((w, stateDir) => {
    const ns = w.container();
    const config = w.conf('host-device', { device: w.master, dataDir: stateDir });
    assert.is(w.run(bin, 'host-device', { ...attach(ns), command: 'ADD', config }).code, 0);
    assert.is(w.reservations().length, 1);
    ns.remove();
    const del = w.run(bin, 'host-device', { containerId: attach(ns).containerId, ifName: 'eth0', command: 'DEL', config });
    assert.is(del.code, 0, del.stdout + del.stderr);
    assert.equal(w.reservations(), [], 'IPAM released without a netns (the reference leaks it)');
    assert.equal(fs.readdirSync(path.join(stateDir, w.name)), []);
    assert.is(w.run(bin, 'host-device', { ...attach(ns), command: 'DEL', config }).code, 0, 'DEL again');
  }),
);

t('a failed ADD (IPAM pool exhausted) puts the device back as it was', ({ bin }) =>
  world((w, stateDir) => {
    const [ns, other] = [w.container(), w.container()];
    const ipam = { type: 'host-local', dataDir: w.dataDir, ranges: [[{ subnet: w.net.v4, rangeStart: `${w.net.v4Prefix}10`, rangeEnd: `${w.net.v4Prefix}10` }]] };
    const hold = w.conf('macvlan', { master: w.master, ipam });
    assert.is(w.run(bin, 'macvlan', { ...attach(other), command: 'ADD', config: hold }).code, 0);
    const r = w.run(bin, 'host-device', { ...attach(ns), command: 'ADD', config: w.conf('host-device', { device: w.master, dataDir: stateDir, ipam }) });
    assert.is(r.code, 1, r.stdout);
    assert.ok(onHost(w).includes(w.master), 'back on the host');
    assert.equal(addresses(w.master, 'inet', w.host.name), [`${w.net.v4Prefix}250/24`]);
    assert.equal(fs.readdirSync(path.join(stateDir, w.name)), []);
  }),
);

t('GC removes host-side records of attachments not listed', ({ bin }) =>
  world((w, stateDir) => {
    const ns = w.container();
    const config = w.conf('host-device', { device: w.master, dataDir: stateDir });
    assert.is(w.run(bin, 'host-device', { ...attach(ns), command: 'ADD', config }).code, 0);
    const keep = w.run(bin, 'host-device', { command: 'GC', config: { ...config, 'cni.dev/valid-attachments': [{ containerID: attach(ns).containerId, ifname: 'eth0' }] } });
    assert.is(keep.code, 0, keep.stdout + keep.stderr);
    assert.is(fs.readdirSync(path.join(stateDir, w.name)).length, 1);
    assert.is(w.reservations().length, 1);
    const gc = w.run(bin, 'host-device', { command: 'GC', config: { ...config, 'cni.dev/valid-attachments': [] } });
    assert.is(gc.code, 0);
    assert.equal(fs.readdirSync(path.join(stateDir, w.name)), []);
    assert.equal(w.reservations(), []);
    assert.is(w.run(bin, 'host-device', { command: 'STATUS', config }).code, 0);
  }),
);

t('config errors: no device selector, a missing device, a bad kernelpath; nothing changed', ({ bin }) =>
  world((w, stateDir) => {
    const ns = w.container();
    const cases: [Record<string, unknown>, number, string][] = [
      [{}, 7, 'specify either "device", "hwaddr", "kernelpath" or "pciBusID"'],
      [{ device: 'nosuchdev0' }, 999, 'failed to find host device: Link not found: nosuchdev0'],
      [{ kernelpath: 'relative/path' }, 7, 'must be absolute and begin with /sys/devices/'],
      [{ hwaddr: 'zz:zz' }, 7, 'invalid MAC address'],
    ];
    for (const [extra, code, msg] of cases) {
      const r = w.run(bin, 'host-device', { ...attach(ns), command: 'ADD', config: w.conf('host-device', { dataDir: stateDir, ...extra }) });
      assert.is(r.code, 1, JSON.stringify(extra));
      assert.is(r.json.code, code, r.stdout);
      assert.ok(r.json.msg.includes(msg), `${r.json.msg} should include ${msg}`);
    }
    assert.ok(onHost(w).includes(w.master));
    assert.equal(w.reservations(), []);
  }),
);

finish();
