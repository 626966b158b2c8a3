/**
 * macvlan through dist/cni symlinks, on this host's kernel: the plugin runs in a scratch "host"
 * namespace whose master is a veth end wired to a peer namespace. Two containers on one master
 * ping each other and the peer; the modes behave as the kernel defines them (bridge: siblings
 * talk; private and vepa: they do not, the wire still works); mtu/mac/bcqueuelen; the default
 * route's link as master; linkInContainer; L2 only; every spec version; CHECK; DEL idempotent and
 * without a netns; rollback and config errors. The last test checks the real host was left alone.
 */
import * as assert from 'uvu/assert';
import { ping } from '../helpers/bridge.js';
import { RealHostGuard } from '../helpers/hostns.js';
import { attach, linkInfo, pingOnce, resultV4, linkSuite, withWorld } from '../helpers/links.js';

const VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'];
const { t, finish } = linkSuite('macvlan', new RealHostGuard());

t('two containers on one master (bridge mode) ping each other and the peer; CHECK; DEL twice cleans up', ({ bin }) =>
  withWorld((w) => {
    const [a, b] = [w.container(), w.container()];
    const config = w.conf('macvlan', { master: w.master });
    const addA = w.run(bin, 'macvlan', { ...attach(a), command: 'ADD', config });
    assert.is(addA.code, 0, addA.stdout + addA.stderr);
    const addB = w.run(bin, 'macvlan', { ...attach(b), command: 'ADD', config });
    assert.is(addB.code, 0, addB.stdout + addB.stderr);

    const iface = addA.json.interfaces;
    assert.is(iface.length, 1);
    assert.is(iface[0].name, 'eth0');
    assert.is(iface[0].sandbox, a.path);
    assert.match(iface[0].mac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.ok(addA.json.ips.every((ipc: any) => ipc.interface === 0));
    const info = linkInfo(a, 'eth0');
    assert.is(info.kind, 'macvlan');
    assert.is(info.data.mode, 'bridge');
    assert.is(info.link.address, iface[0].mac);
    assert.is(a.execOk('cat', ['/proc/sys/net/ipv4/conf/eth0/arp_notify']).trim(), '1');
    assert.is(w.host.exec('ip', ['link', 'show', 'eth0']).code === 0, false, 'nothing named eth0 on the host');

    const [ipA, ipB] = [resultV4(addA.json), resultV4(addB.json)];
    assert.ok(ping(a, ipB), `a -> b (${ipB})`);
    assert.ok(ping(b, ipA), `b -> a (${ipA})`);
    assert.ok(ping(a, w.peerV4), 'a -> the peer on the wire');

    const check = w.run(bin, 'macvlan', { ...attach(a), command: 'CHECK', config: { ...config, prevResult: addA.json } });
    assert.is(check.code, 0, check.stdout + check.stderr);
    const wrongMode = w.run(bin, 'macvlan', { ...attach(a), command: 'CHECK', config: { ...config, mode: 'private', prevResult: addA.json } });
    assert.is(wrongMode.code, 1);
    assert.match(wrongMode.json.msg, 'container macvlan mode bridge does not match expected value: private');

    for (const ns of [a, b]) {
      for (let i = 0; i < 2; i++) {
        const del = w.run(bin, 'macvlan', { ...attach(ns), command: 'DEL', config });
        assert.is(del.code, 0, `DEL #${i + 1}: ${del.stdout}${del.stderr}`);
      }
      assert.is(ns.exec('ip', ['link', 'show', 'eth0']).code === 0, false, 'eth0 gone');
    }
    assert.equal(w.reservations(), []);
  }),
);

for (const mode of ['private', 'vepa'] as const) {
  t(`mode ${mode}: siblings on the master cannot reach each other, the wire can`, ({ bin }) =>
    withWorld((w) => {
      const [a, b] = [w.container(), w.container()];
      const config = w.conf('macvlan', { master: w.master, mode });
      const addA = w.run(bin, 'macvlan', { ...attach(a), command: 'ADD', config });
      const addB = w.run(bin, 'macvlan', { ...attach(b), command: 'ADD', config });
      assert.is(addA.code, 0, addA.stderr);
      assert.is(addB.code, 0, addB.stderr);
      assert.is(linkInfo(a, 'eth0').data.mode, mode);
      assert.ok(ping(a, w.peerV4), 'a -> peer');
      assert.ok(ping(b, w.peerV4), 'b -> peer');
      assert.not.ok(pingOnce(a, resultV4(addB.json)), 'a must not reach b');
    }),
  );
}

t('modes passthru and source are made as asked', ({ bin }) =>
  withWorld((w) => {
    for (const mode of ['passthru', 'source']) {
      const ns = w.container();
      const config = w.conf('macvlan', { master: w.master, mode });
      const add = w.run(bin, 'macvlan', { ...attach(ns), command: 'ADD', config });
      assert.is(add.code, 0, add.stdout + add.stderr);
      assert.is(linkInfo(ns, 'eth0').data.mode, mode);
      assert.is(w.run(bin, 'macvlan', { ...attach(ns), command: 'DEL', config }).code, 0);
    }
  }),
);

t('every spec version: ADD, CHECK (from 0.4.0), DEL', ({ bin }) =>
  withWorld((w) => {
    for (const v of VERSIONS) {
      const ns = w.container();
      const config = w.conf('macvlan', { master: w.master }, v);
      const add = w.run(bin, 'macvlan', { ...attach(ns), command: 'ADD', config });
      assert.is(add.code, 0, `${v}: ${add.stdout}${add.stderr}`);
      assert.is(add.json.cniVersion, v);
      if (v === '0.1.0' || v === '0.2.0') assert.ok(add.json.ip4.ip, `${v} result has ip4`);
      else assert.is(add.json.interfaces[0].name, 'eth0');
      if (!['0.1.0', '0.2.0', '0.3.0', '0.3.1'].includes(v)) {
        const check = w.run(bin, 'macvlan', { ...attach(ns), command: 'CHECK', config: { ...config, prevResult: add.json } });
        assert.is(check.code, 0, `${v} CHECK: ${check.stdout}${check.stderr}`);
      }
      assert.is(w.run(bin, 'macvlan', { ...attach(ns), command: 'DEL', config }).code, 0);
    }
    assert.equal(w.reservations(), []);
  }),
);

t('mtu, bcqueuelen and the MAC (CNI_ARGS < args < runtimeConfig) are applied', ({ bin }) =>
  withWorld((w) => {
    const ns = w.container();
    const mac = '02:00:5e:10:20:30';
    const config = w.conf('macvlan', { master: w.master, mtu: 1400, bcqueuelen: 333, runtimeConfig: { mac } });
    const add = w.run(bin, 'macvlan', { ...attach(ns), command: 'ADD', config, args: 'IgnoreUnknown=1;MAC=02:00:5e:00:00:01' });
    assert.is(add.code, 0, add.stdout + add.stderr);
    const info = linkInfo(ns, 'eth0');
    assert.is(info.link.mtu, 1400);
    assert.is(info.link.address, mac);
    assert.is(add.json.interfaces[0].mac, mac);
    assert.is(info.data.bcqueuelen, 333);
    const args = w.conf('macvlan', { master: w.master });
    const ns2 = w.container();
    const add2 = w.run(bin, 'macvlan', { ...attach(ns2), command: 'ADD', config: args, args: 'IgnoreUnknown=1;MAC=02:00:5e:00:00:02' });
    assert.is(add2.code, 0, add2.stderr);
    assert.is(linkInfo(ns2, 'eth0').link.address, '02:00:5e:00:00:02');
  }),
);

t('no master: the link of the default route in the namespace the plugin runs in', ({ bin }) =>
  withWorld((w) => {
    w.host.execOk('ip', ['addr', 'add', `${w.net.v4Prefix}253/24`, 'dev', w.master]);
    w.host.execOk('ip', ['route', 'add', 'default', 'via', w.peerV4, 'dev', w.master]);
    const ns = w.container();
    const config = w.conf('macvlan');
    const add = w.run(bin, 'macvlan', { ...attach(ns), command: 'ADD', config });
    assert.is(add.code, 0, add.stdout + add.stderr);
    assert.ok(ping(ns, w.peerV4), 'reaches the peer through the default route link');
  }),
);

t('no master and no default route: a clear error, nothing made', ({ bin }) =>
  withWorld((w) => {
    const ns = w.container();
    const add = w.run(bin, 'macvlan', { ...attach(ns), command: 'ADD', config: w.conf('macvlan') });
    assert.is(add.code, 1);
    assert.match(add.json.msg, 'no default route interface found');
    assert.equal(w.reservations(), []);
  }),
);

t('linkInContainer: the master is a link inside the container', ({ bin }) =>
  withWorld((w) => {
    const ns = w.container();
    w.host.execOk('ip', ['link', 'set', w.master, 'netns', ns.name]);
    ns.execOk('ip', ['link', 'set', w.master, 'up']);
    const config = w.conf('macvlan', { master: w.master, linkInContainer: true });
    const add = w.run(bin, 'macvlan', { ...attach(ns, 'net1'), command: 'ADD', config });
    assert.is(add.code, 0, add.stdout + add.stderr);
    assert.is(linkInfo(ns, 'net1').kind, 'macvlan');
    assert.ok(ping(ns, w.peerV4), 'net1 reaches the peer');
    const check = w.run(bin, 'macvlan', { ...attach(ns, 'net1'), command: 'CHECK', config: { ...config, prevResult: add.json } });
    assert.is(check.code, 0, check.stdout + check.stderr);
    assert.is(w.run(bin, 'macvlan', { ...attach(ns, 'net1'), command: 'DEL', config }).code, 0);
    assert.is(ns.exec('ip', ['link', 'show', 'net1']).code === 0, false);
  }),
);

t('L2 only (no ipam): the link is up with no addresses', ({ bin }) =>
  withWorld((w) => {
    const ns = w.container();
    const { ipam: _none, ...config } = w.conf('macvlan', { master: w.master });
    const add = w.run(bin, 'macvlan', { ...attach(ns), command: 'ADD', config });
    assert.is(add.code, 0, add.stdout + add.stderr);
    assert.is(add.json.ips, undefined);
    assert.ok(linkInfo(ns, 'eth0').link.flags.includes('UP'));
    assert.is(w.run(bin, 'macvlan', { ...attach(ns), command: 'DEL', config }).code, 0);
  }),
);

t('DEL without a netns releases the IPAM reservation; DEL with a removed netns succeeds', ({ bin }) =>
  withWorld((w) => {
    const ns = w.container();
    const config = w.conf('macvlan', { master: w.master });
    assert.is(w.run(bin, 'macvlan', { ...attach(ns), command: 'ADD', config }).code, 0);
    assert.is(w.reservations().length, 1);
    const del = w.run(bin, 'macvlan', { containerId: attach(ns).containerId, ifName: 'eth0', command: 'DEL', config });
    assert.is(del.code, 0, del.stdout + del.stderr);
    assert.equal(w.reservations(), []);
    ns.remove();
    assert.is(w.run(bin, 'macvlan', { ...attach(ns), command: 'DEL', config }).code, 0);
  }),
);

t('STATUS and GC go to the IPAM plugin', ({ bin }) =>
  withWorld((w) => {
    const ns = w.container();
    const config = w.conf('macvlan', { master: w.master });
    assert.is(w.run(bin, 'macvlan', { ...attach(ns), command: 'ADD', config }).code, 0);
    assert.is(w.run(bin, 'macvlan', { command: 'STATUS', config }).code, 0);
    const gc = w.run(bin, 'macvlan', { command: 'GC', config: { ...config, 'cni.dev/valid-attachments': [] } });
    assert.is(gc.code, 0, gc.stdout + gc.stderr);
    assert.equal(w.reservations(), [], 'GC freed the reservation of the attachment not listed');
  }),
);

t('config errors: unknown mode, MTU above the master, missing master; nothing made', ({ bin }) =>
  withWorld((w) => {
    const ns = w.container();
    const cases: [Record<string, unknown>, number, string][] = [
      [{ master: w.master, mode: 'bogus' }, 7, 'unknown macvlan mode: "bogus"'],
      [{ master: w.master, mtu: 9000 }, 7, 'invalid MTU 9000, must be [0, master MTU(1500)]'],
      [{ master: 'nosuchlink0' }, 999, 'failed to lookup master "nosuchlink0"'],
      [{ master: w.master, mtu: 'big' }, 7, '"mtu" must be an integer'],
    ];
    for (const [extra, code, msg] of cases) {
      const r = w.run(bin, 'macvlan', { ...attach(ns), command: 'ADD', config: w.conf('macvlan', extra) });
      assert.is(r.code, 1, JSON.stringify(extra));
      assert.is(r.json.code, code, r.stdout);
      assert.ok(r.json.msg.includes(msg), `${r.json.msg} should include ${msg}`);
      assert.is(ns.exec('ip', ['link', 'show', 'eth0']).code === 0, false);
    }
    assert.equal(w.reservations(), []);
  }),
);

t('a failed ADD (the IPAM pool is exhausted) leaves no link behind', ({ bin }) =>
  withWorld((w) => {
    const ns = w.container();
    const ipam = { type: 'host-local', dataDir: w.dataDir, ranges: [[{ subnet: w.net.v4, rangeStart: `${w.net.v4Prefix}10`, rangeEnd: `${w.net.v4Prefix}10` }]] };
    const config = w.conf('macvlan', { master: w.master, ipam });
    const other = w.container();
    assert.is(w.run(bin, 'macvlan', { ...attach(other), command: 'ADD', config }).code, 0);
    const r = w.run(bin, 'macvlan', { ...attach(ns), command: 'ADD', config });
    assert.is(r.code, 1, r.stdout);
    assert.equal(JSON.parse(ns.execOk('ip', ['-j', 'link', 'show'])).map((l: any) => l.ifname), ['lo'], 'no link left in the container');
  }),
);

finish();
