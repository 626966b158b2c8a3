/**
 * dhcp IPAM and `dhcp daemon` against a real DHCP server: dnsmasq in a "LAN" namespace on a bridge
 * in a scratch host namespace, containers attached by the bridge plugin with dhcp IPAM, or by
 * macvlan through the runtime library (see test/helpers/dhcp-world.ts). Each test starts its own
 * dnsmasq and daemon (own socket, own state dir) and removes everything in finally. Renewals are
 * observed in dnsmasq's lease file: leases are 2 minutes (dnsmasq's minimum) and the daemon runs
 * with -renewscale 0.05 (renew at 5% of the server's T1 and T2: after 3 s) unless a test says
 * otherwise.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CniBinDir } from '../helpers/cni.js';
import { RealHostGuard } from '../helpers/hostns.js';
import { DhcpWorld, until, type DnsmasqLease } from '../helpers/dhcp-world.js';
import { ipJson, sh } from '../helpers/sh.js';
import { RuntimeInNetns } from '../helpers/runtime-netns.js';
import { linkInfo, pingOnce } from '../helpers/links.js';

const t = suite<{ bin: CniBinDir }>('dhcp');
const realHost = new RealHostGuard();
t.before(async (ctx) => {
  await realHost.take();
  ctx.bin = new CniBinDir();
});
t.after((ctx) => ctx.bin?.dispose());

async function world(bin: CniBinDir, fn: (w: DhcpWorld) => Promise<void>, daemonFlags?: string[]): Promise<void> {
  const w = new DhcpWorld(bin);
  try {
    await w.startDnsmasq();
    await w.startDaemon(daemonFlags);
    await fn(w);
  } catch (err) {
    process.stderr.write(`--- daemon log\n${w.log()}\n--- dnsmasq log (messages)\n${w.dnsmasqLog().split('\n').filter((l) => /DHCP[A-Z]+\(/.test(l)).join('\n')}\n`);
    throw err;
  } finally {
    await w.cleanup();
  }
}

/** dnsmasq's record of the same lease once a renewal has moved its expiry. */
function renewalOf(w: DhcpWorld, first: DnsmasqLease, containerId = 'c1'): Promise<DnsmasqLease> {
  return until(`a renewal of ${first.ip} to move its expiry in dnsmasq's lease file`, () => {
    const l = w.leaseOf(containerId);
    return l && l.expiry > first.expiry ? l : undefined;
  }, 20_000, 250);
}

function addrsOf(ns: { name: string }): string[] {
  return ipJson<any[]>(['-4', 'addr', 'show', 'dev', 'eth0'], ns.name).flatMap((l) => l.addr_info.map((a: any) => `${a.local}/${a.prefixlen}`));
}

t('ADD: the address, gateway, default route and DNS dnsmasq hands out; traffic reaches the LAN; CHECK passes; a second container gets another address', async ({ bin }) => {
  await world(bin, async (w) => {
    const c1 = w.container();
    const c2 = w.container();
    const started = Date.now();
    const r1 = w.runBridge('ADD', c1, 'c1');
    const addMs = Date.now() - started;
    assert.is(r1.code, 0, r1.stdout + r1.stderr);
    const lease1 = w.leaseOf('c1');
    assert.ok(lease1, 'dnsmasq recorded a lease with our client id <containerID>/<netName>/<ifName>');
    const ip = r1.json.ips[0];
    assert.is(ip.address, `${lease1!.ip}/24`);
    assert.is(ip.gateway, w.router);
    assert.equal(r1.json.routes, [{ dst: '0.0.0.0/0', gw: w.router }]);
    assert.equal(r1.json.dns, { nameservers: [w.dnsServer], search: w.search });
    const mac = r1.json.interfaces.find((i: any) => i.sandbox === c1.path).mac;
    assert.is(lease1!.mac, mac, 'the lease is for the container interface');
    assert.equal(addrsOf(c1), [ip.address]);
    assert.match(c1.execOk('ip', ['-4', 'route', 'show', 'default']), `default via ${w.router} dev eth0`);
    assert.is(sh('ip', ['netns', 'exec', c1.name, 'ping', '-c1', '-W2', w.router]).code, 0, 'the LAN router answers');

    const check = w.runBridge('CHECK', c1, 'c1', { config: { ...w.bridgeConf(), prevResult: r1.json } });
    assert.is(check.code, 0, check.stdout);

    const r2 = w.runBridge('ADD', c2, 'c2');
    assert.is(r2.code, 0, r2.stdout);
    assert.is.not(r2.json.ips[0].address, ip.address);
    assert.is(w.leases().length, 2);
    // ADD again for the same attachment returns the lease it holds.
    const again = w.runDhcp('ADD', c1, 'c1');
    assert.is(again.json.ips[0].address, ip.address);
    process.stderr.write(`  bridge+dhcp ADD took ${addMs} ms\n`);
    for (const [c, id] of [[c1, 'c1'], [c2, 'c2']] as const) assert.is(w.runBridge('DEL', c, id).code, 0);
  });
});

t('DEL sends DHCPRELEASE (the lease leaves dnsmasq\'s lease file) and forgets the lease; DEL again is fine', async ({ bin }) => {
  await world(bin, async (w) => {
    const c = w.container();
    assert.is(w.runBridge('ADD', c, 'c1').code, 0);
    assert.ok(w.leaseOf('c1'));
    assert.is(w.stateFiles().length, 1, 'the lease is persisted');
    // As macvlan/ipvlan/host-device do: IPAM DEL while the interface still exists.
    const del = w.runDhcp('DEL', c, 'c1');
    assert.is(del.code, 0, del.stdout);
    await until('dnsmasq to drop the released lease', () => !w.leaseOf('c1'), 5000);
    assert.match(w.dnsmasqLog(), /DHCPRELEASE\(lan0\)/);
    assert.is(w.stateFiles().length, 0);
    assert.is(w.runDhcp('DEL', c, 'c1').code, 0, 'idempotent');
    assert.is(w.runBridge('DEL', c, 'c1').code, 0);
    assert.is(w.runBridge('DEL', undefined, 'c1').code, 0, 'without netns');
  });
});

t('bridge DEL (link removed before IPAM DEL, as the reference bridge does): the lease is forgotten, no RELEASE possible', async ({ bin }) => {
  await world(bin, async (w) => {
    const c = w.container();
    assert.is(w.runBridge('ADD', c, 'c1').code, 0);
    assert.is(w.runBridge('DEL', c, 'c1').code, 0);
    assert.is(w.stateFiles().length, 0);
    assert.match(w.log(), /could not send DHCPRELEASE|attachment is gone/);
  });
});

t('macvlan + dhcp through the runtime library: leases from dnsmasq, two containers reach each other, DEL releases from the container interface', async ({ bin }) => {
  await world(bin, async (w) => {
    const list = RuntimeInNetns.list(w.macvlanConflist());
    const rt = new RuntimeInNetns(bin, w.host.name, ['macvlan', 'dhcp']);
    try {
      const attached = [];
      for (const id of ['m1', 'm2']) {
        const ns = w.container();
        const att = { containerId: id, netns: ns.path, ifName: 'eth0' };
        const { result } = await rt.cni.addNetworkList(list, att);
        const lease = w.leaseOf(id);
        assert.ok(lease, `dnsmasq recorded a lease for ${id}`);
        assert.equal(result.ips?.map((i) => i.address), [`${lease!.ip}/24`]);
        assert.is(result.ips?.[0]?.gateway, w.router);
        const mac = result.interfaces?.find((i) => i.sandbox === ns.path)?.mac;
        assert.is(lease!.mac, mac, 'the lease is for the container\'s macvlan interface');
        assert.is(linkInfo(ns, 'eth0').kind, 'macvlan');
        assert.equal(addrsOf(ns), [`${lease!.ip}/24`]);
        attached.push({ ns, att, ip: lease!.ip, mac: mac! });
      }
      const a = attached[0]!;
      const b = attached[1]!;
      assert.is.not(a.ip, b.ip);
      assert.ok(pingOnce(a.ns, b.ip) && pingOnce(b.ns, a.ip), 'the two macvlan containers reach each other');
      assert.ok(pingOnce(a.ns, w.router), 'and the LAN router');
      for (const { ns, att, ip, mac } of attached) {
        await rt.cni.delNetworkList(list, att);
        await until(`dnsmasq to drop ${att.containerId}'s released lease`, () => !w.leaseOf(att.containerId), 5000);
        // chaddr is the container interface's MAC: the RELEASE went out of eth0 before macvlan deleted it.
        assert.match(w.dnsmasqLog(), `DHCPRELEASE(lan0) ${ip} ${mac}`);
        assert.ok(ns.exec('ip', ['link', 'show', 'eth0']).code !== 0, 'eth0 deleted after the release');
      }
      assert.is(w.stateFiles().length, 0);
      await rt.cni.delNetworkList(list, a.att); // again: idempotent
    } finally {
      rt.dispose();
    }
  });
});

t('renewal at (scaled) T1 shows in dnsmasq\'s lease file', async ({ bin }) => {
  await world(bin, async (w) => {
    const c = w.container();
    const r = w.runBridge('ADD', c, 'c1');
    assert.is(r.code, 0, r.stdout);
    const first = w.leaseOf('c1')!;
    const renewed = await renewalOf(w, first);
    assert.is(renewed.ip, first.ip);
    assert.match(w.log(), /lease renewed/);
    assert.match(w.dnsmasqLog(), new RegExp(`DHCPREQUEST\\(lan0\\) ${first.ip.replace(/\./g, '\\.')}`));
    assert.is(w.runBridge('DEL', c, 'c1').code, 0);
  });
});

t('the server is away at T1: renewing fails, REBINDING (broadcast) from T2 gets the lease back once the server returns', async ({ bin }) => {
  await world(bin, async (w) => {
    const c = w.container();
    assert.is(w.runBridge('ADD', c, 'c1').code, 0);
    const first = w.leaseOf('c1')!;
    await w.stopDnsmasq();
    await until('the daemon to start rebinding', () => w.log().includes('renewal time expired, rebinding'), 20_000, 250);
    await w.startDnsmasq();
    const rebound = await renewalOf(w, first);
    assert.is(rebound.ip, first.ip);
    await until('the daemon to log the rebinding', () => w.log().includes('lease rebound'), 10_000);
    assert.is(w.runDhcp('DEL', c, 'c1').code, 0);
  });
});

t('the server refuses the renewal (DHCPNAK): the daemon starts over with DISCOVER and gets a lease again', async ({ bin }) => {
  await world(bin, async (w) => {
    const c = w.container();
    assert.is(w.runBridge('ADD', c, 'c1').code, 0);
    const first = w.leaseOf('c1')!;
    // Restarted with another range and authoritative: the old address is NAKed.
    await w.stopDnsmasq();
    await w.startDnsmasq(['--dhcp-authoritative'], [201, 250]);
    await until('the refusal', () => w.log().includes('lease refused by the server'), 20_000, 250);
    const next = await until('a new lease in the new range', () => {
      const l = w.leaseOf('c1');
      return l && l.ip !== first.ip ? l : undefined;
    }, 20_000, 250);
    assert.ok(Number(next.ip.split('.')[3]) >= 201, next.ip);
    assert.match(w.log(), /the server gave a different address/);
    assert.match(w.dnsmasqLog(), /DHCPNAK\(lan0\)/);
    assert.is(w.runDhcp('DEL', c, 'c1').code, 0);
  });
});

t('daemon killed (SIGKILL) and restarted: stale socket replaced, the lease is resumed from disk and renewed', async ({ bin }) => {
  await world(bin, async (w) => {
    const c = w.container();
    const r = w.runBridge('ADD', c, 'c1');
    assert.is(r.code, 0, r.stdout);
    const first = w.leaseOf('c1')!;
    await w.daemon!.stop('SIGKILL');
    assert.ok(fs.existsSync(w.socketPath), 'a killed daemon leaves its socket behind');
    const down = w.runDhcp('CHECK', c, 'c1', { config: { ...w.bridgeConf(), prevResult: r.json } });
    assert.is(down.json.code, 11, 'nobody listening on the stale socket: try again later');
    await w.startDaemon();
    assert.match(w.log(), /resuming lease/);
    const renewed = await renewalOf(w, first);
    assert.is(renewed.ip, first.ip);
    const check = w.runDhcp('CHECK', c, 'c1', { config: { ...w.bridgeConf(), prevResult: r.json } });
    assert.is(check.code, 0, check.stdout);
    const again = w.runDhcp('ADD', c, 'c1');
    assert.is(again.json.ips[0].address, r.json.ips[0].address, 'ADD after the restart returns the resumed lease');
    assert.is(w.runDhcp('DEL', c, 'c1').code, 0);
    await until('the release', () => !w.leaseOf('c1'), 5000);
  });
});

t('daemon absent: code 11 naming the socket, bridge ADD rolled back; STATUS 50, then 0 once the daemon runs', async ({ bin }) => {
  const w = new DhcpWorld(bin);
  try {
    await w.startDnsmasq();
    const c = w.container();
    const r = w.runBridge('ADD', c, 'c1');
    assert.is(r.code, 1);
    assert.is(r.json.code, 11);
    assert.match(r.json.msg, w.socketPath);
    assert.match(r.json.msg, /dhcp daemon/);
    assert.equal(ipJson<any[]>(['link', 'show'], c.name).map((l) => l.ifname), ['lo'], 'no interface left in the container');
    const status = { command: 'STATUS', config: w.bridgeConf() };
    const s = bin.run('dhcp', status);
    assert.is(s.code, 1);
    assert.is(s.json.code, 50);
    assert.match(s.json.msg, w.socketPath);
    await w.startDaemon();
    assert.is(bin.run('dhcp', status).code, 0);
    assert.is(bin.run('bridge', { ...status, inNetns: w.host.name }).code, 0, 'bridge STATUS asks its IPAM');
  } finally {
    await w.cleanup();
  }
});

t('the socket is 0600; a second daemon on a live socket is refused; SIGTERM removes socket and pidfile, keeps the leases', async ({ bin }) => {
  await world(bin, async (w) => {
    assert.is(fs.statSync(w.socketPath).mode & 0o777, 0o600);
    const second = sh(path.join(bin.dir, 'dhcp'), ['daemon', '-socketpath', w.socketPath, '-statedir', path.join(w.tmp, 'other')]);
    assert.is(second.code, 1);
    assert.match(second.stderr, `another dhcp daemon is listening on ${w.socketPath}`);
    const third = sh(path.join(bin.dir, 'dhcp'), ['daemon', '-socketpath', path.join(w.tmp, 'x.sock'), '-statedir', w.stateDir]);
    assert.is(third.code, 1, 'the state dir is locked by the running daemon');
    assert.match(third.stderr, /in use by another dhcp daemon/);
    const rel = sh(path.join(bin.dir, 'dhcp'), ['daemon', '-pidfile', 'relative.pid']);
    assert.match(rel.stderr, 'Error writing pidfile "relative.pid": path not absolute');
    const c = w.container();
    assert.is(w.runBridge('ADD', c, 'c1').code, 0);
    assert.is(await w.daemon!.stop('SIGTERM'), 0);
    assert.not.ok(fs.existsSync(w.socketPath));
    assert.is(w.stateFiles().length, 1);
    assert.ok(w.leaseOf('c1'), 'no RELEASE on shutdown');
    // cni dhcp daemon, with a pidfile.
    const pidfile = path.join(w.tmp, 'd.pid');
    const d = sh('timeout', ['--preserve-status', '-s', 'TERM', '2', path.join(bin.dir, 'cni'), 'dhcp', 'daemon', '-socketpath', w.socketPath, '-statedir', w.stateDir, '-pidfile', pidfile]);
    assert.is(d.code, 0, d.stderr);
    assert.not.ok(fs.existsSync(pidfile), 'pidfile removed on exit');
  });
});

t('the namespace is gone while the daemon is down (its path now names another one): the restarted daemon forgets the lease', async ({ bin }) => {
  await world(bin, async (w) => {
    const c = w.container();
    assert.is(w.runBridge('ADD', c, 'c1').code, 0);
    await w.daemon!.stop('SIGTERM');
    assert.is(w.stateFiles().length, 1);
    w.removeNetns(c);
    // Another namespace at the same path, with an eth0 too: not the lease's namespace (nsfs inode).
    sh('ip', ['netns', 'add', c.name]);
    c.execOk('ip', ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0p']);
    await w.startDaemon();
    await until('the state file to go', () => w.stateFiles().length === 0, 5000);
    assert.match(w.log(), /attachment is gone: forgetting its lease/);
  });
});

t('DEL while no daemon runs (killed, its socket left; or stopped, no socket) succeeds with one warning naming the socket; the restarted daemon forgets the lease of the removed interface', async ({ bin }) => {
  await world(bin, async (w) => {
    const [c1, c2] = [w.container(), w.container()];
    assert.is(w.runBridge('ADD', c1, 'c1').code, 0);
    assert.is(w.runBridge('ADD', c2, 'c2').code, 0);
    assert.is(w.stateFiles().length, 2);
    await w.daemon!.stop('SIGKILL');
    const stale = w.runBridge('DEL', c1, 'c1');
    assert.is(stale.code, 0, stale.stdout);
    const warned = (r: { stderr: string }) => r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string; socket: string; reason: string });
    assert.equal(warned(stale).map((l) => [l.level, l.socket, l.reason]), [[40, w.socketPath, 'ECONNREFUSED']], stale.stderr);
    assert.match(warned(stale)[0]!.msg, /dhcp daemon not running: lease not released/);
    assert.equal(ipJson<any[]>(['link', 'show'], c1.name).map((l) => l.ifname), ['lo'], 'the container interface is gone all the same');
    // Restarted: c1's interface is gone (its namespace is not), so its lease goes; c2's is resumed.
    await w.startDaemon();
    await until('c1\'s state file to go', () => w.stateFiles().length === 1, 5000);
    assert.match(w.log(), /attachment is gone: forgetting its lease/);
    assert.ok(w.leaseOf('c2'), 'c2 keeps its lease');
    // Stopped cleanly: no socket at all.
    await w.daemon!.stop('SIGTERM');
    assert.not.ok(fs.existsSync(w.socketPath));
    const gone = w.runBridge('DEL', c2, 'c2');
    assert.is(gone.code, 0, gone.stdout);
    assert.equal(warned(gone).map((l) => l.reason), ['ENOENT'], gone.stderr);
    await w.startDaemon();
    await until('no state file left', () => w.stateFiles().length === 0, 5000);
    // ADD and CHECK still fail while no daemon runs: only teardown goes ahead without it.
    await w.daemon!.stop('SIGTERM');
    const add = w.runBridge('ADD', w.container(), 'c3');
    assert.is(add.json?.code, 11, add.stdout);
  });
});

t('GC releases the leases of this network\'s attachments not in cni.dev/valid-attachments', async ({ bin }) => {
  await world(bin, async (w) => {
    const c1 = w.container();
    const c2 = w.container();
    assert.is(w.runBridge('ADD', c1, 'c1').code, 0);
    assert.is(w.runBridge('ADD', c2, 'c2').code, 0);
    const gc = w.runDhcp('GC', undefined, '', { config: { ...w.bridgeConf(), 'cni.dev/valid-attachments': [{ containerID: 'c1', ifname: 'eth0' }] } });
    assert.is(gc.code, 0, gc.stdout);
    await until('c2\'s lease to be released', () => !w.leaseOf('c2'), 5000);
    assert.ok(w.leaseOf('c1'));
    assert.is(w.stateFiles().length, 1);
    const bad = w.runDhcp('GC', undefined, '', { config: w.bridgeConf() });
    assert.is(bad.json.code, 7, 'GC without the list is refused');
    for (const [c, id] of [[c1, 'c1'], [c2, 'c2']] as const) assert.is(w.runBridge('DEL', c, id).code, 0);
  });
});

t('no DHCP server answers: ADD fails after -resendtimeout, rolled back, no lease kept', async ({ bin }) => {
  const w = new DhcpWorld(bin);
  try {
    await w.startDaemon(['-resendtimeout', '3s']);
    const c = w.container();
    const started = Date.now();
    const r = w.runBridge('ADD', c, 'c1');
    const took = Date.now() - started;
    assert.is(r.code, 1);
    assert.match(r.json.msg, /error acquiring a DHCP lease for c1\/.*\/eth0: no answer from a DHCP server/);
    assert.ok(took >= 3000 && took < 15_000, `bounded by -resendtimeout (${took} ms)`);
    assert.equal(ipJson<any[]>(['link', 'show'], c.name).map((l) => l.ifname), ['lo'], 'bridge rolled back');
    assert.is(w.stateFiles().length, 0);
    const gone = w.runDhcp('ADD', { name: 'x', path: '/run/netns/does-not-exist' } as any, 'c2');
    assert.is(gone.json.code, 8, gone.stdout);
  } finally {
    await w.cleanup();
  }
});

t('bad config is code 7 before the daemon is asked', ({ bin }) => {
  const r = bin.run('dhcp', { command: 'ADD', containerId: 'c1', netns: '/proc/self/ns/net', ifName: 'eth0', config: { cniVersion: '1.1.0', name: 'n', type: 'dhcp', ipam: { type: 'dhcp', daemonSocketPath: '/nonexistent.sock', request: [{ option: 'bogus' }] } } });
  assert.is(r.json.code, 7);
  assert.match(r.json.msg, /Can not parse option "bogus"/);
});

t(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

t.run();
