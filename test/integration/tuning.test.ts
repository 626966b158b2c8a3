/**
 * tuning through dist/cni symlinks (and, for podman's default conflist, the runtime library):
 * sysctls land in the container's namespace only; MAC, MTU, promiscuous and all-multicast mode
 * and txqueuelen change and DEL puts them back from the backup, which is then gone; the allowlist
 * refuses a key with code 7 and nothing changed; bad keys, a failed ADD's rollback, GC, and a
 * strace proof that neither tuning nor sbr starts any process.
 *
 * The allowlist path is fixed (/etc/cni/tuning/allowlist.conf, no override knob). Its tests run the
 * plugin in a private mount namespace with an overlay on /etc whose upper layer (a tmpfs) holds the
 * test's allowlist: the real /etc is never written, and no other process sees the file.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CniBinDir, type PluginCall, type PluginRun } from '../helpers/cni.js';
import { HostNsFixture, RealHostGuard } from '../helpers/hostns.js';
import { makeNetns, type TestNetns } from '../helpers/netns.js';
import { RuntimeInNetns } from '../helpers/runtime-netns.js';
import { linkDetails, ping } from '../helpers/bridge.js';
import { sh } from '../helpers/sh.js';

const t = suite<{ bin: CniBinDir }>('tuning');
const realHost = new RealHostGuard();
const ALLOWLIST = '/etc/cni/tuning/allowlist.conf';
const allowlistOnHost = fs.existsSync(ALLOWLIST);
t.before(async (ctx) => {
  await realHost.take();
  ctx.bin = new CniBinDir();
});
t.after((ctx) => ctx.bin?.dispose());

/** A container netns with a veth eth0 (peer p0 in the same netns), both down. */
interface World {
  ns: TestNetns;
  dataDir: string;
  call: PluginCall & { containerId: string; netns: string; ifName: string };
  cleanup(): void;
}
function world(): World {
  const ns = makeNetns('tun');
  ns.execOk('ip', ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'p0']);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-tuning-'));
  return {
    ns,
    dataDir,
    call: { command: 'ADD', containerId: `tun-${ns.name}`, netns: ns.path, ifName: 'eth0' },
    cleanup() {
      ns.remove();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function conf(w: World, extra: Record<string, unknown> = {}, version = '1.0.0') {
  return {
    cniVersion: version,
    name: 'tunnet',
    type: 'tuning',
    dataDir: w.dataDir,
    ...extra,
    prevResult: { cniVersion: version, interfaces: [{ name: 'eth0', sandbox: w.ns.path }], ips: [{ interface: 0, address: '10.251.7.2/24' }] },
  };
}

interface LinkState {
  mac: string;
  mtu: number;
  promisc: boolean;
  allmulti: boolean;
  txqlen: number;
}
function linkState(w: World): LinkState {
  const d = linkDetails('eth0', w.ns.name);
  return { mac: d.address, mtu: d.mtu, promisc: d.promiscuity > 0, allmulti: d.flags.includes('ALLMULTI'), txqlen: d.txqlen };
}
const sysctl = (key: string, ns?: TestNetns) => (ns ? ns.execOk('cat', [`/proc/sys/${key}`]) : fs.readFileSync(`/proc/sys/${key}`, 'utf8')).trim();

/** The CNI environment of a plugin run through a wrapper (unshare, strace) instead of CniBinDir.run. */
function cniEnv(bin: CniBinDir, call: PluginCall): Record<string, string> {
  return { PATH: process.env.PATH ?? '', CNI_COMMAND: call.command, CNI_PATH: bin.dir, CNI_CONTAINERID: call.containerId!, CNI_NETNS: call.netns!, CNI_IFNAME: call.ifName! };
}
const pluginRun = (r: SpawnSyncReturns<string>): PluginRun => ({ code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json: r.stdout.trim() ? JSON.parse(r.stdout) : undefined });

/** Run tuning in a private mount namespace whose /etc carries `allowlist` as the allowlist file. */
function runWithAllowlist(bin: CniBinDir, call: PluginCall, allowlist: string): PluginRun {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-allowlist-'));
  try {
    const script = [
      'set -e',
      'mount -t tmpfs tmpfs "$1"',
      'mkdir -p "$1/upper/cni/tuning" "$1/work"',
      'printf "%s" "$2" > "$1/upper/cni/tuning/allowlist.conf"',
      'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/upper,workdir=$1/work" /etc',
      'shift 2',
      'exec "$@"',
    ].join('\n');
    const env = cniEnv(bin, call);
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', scratch, allowlist, path.join(bin.dir, 'tuning')], {
      env,
      input: JSON.stringify(call.config),
      encoding: 'utf8',
      timeout: 30_000,
    });
    return pluginRun(r);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

const SYSCTLS = { 'net.ipv4.conf.IFNAME.arp_filter': '1', 'net.core.somaxconn': '1037', 'net/ipv4/conf/eth0/arp_ignore': '2' };

t('ADD sets sysctls in the container only and the interface attributes; backup in the reference format; CHECK; DEL restores and removes the backup', ({ bin }) => {
  const w = world();
  try {
    const before = linkState(w);
    const hostSomaxconn = sysctl('net/core/somaxconn');
    const config = conf(w, { sysctl: SYSCTLS, mac: 'c2:b0:57:49:47:f1', mtu: 1400, promisc: true, allmulti: true, txQLen: 42 });
    const add = bin.run('tuning', { ...w.call, config });
    assert.is(add.code, 0, add.stdout + add.stderr);
    assert.equal(add.json.interfaces, [{ name: 'eth0', mac: 'c2:b0:57:49:47:f1', sandbox: w.ns.path }], 'prevResult passed through, MAC updated');

    assert.is(sysctl('net/ipv4/conf/eth0/arp_filter', w.ns), '1');
    assert.is(sysctl('net/ipv4/conf/eth0/arp_ignore', w.ns), '2');
    assert.is(sysctl('net/core/somaxconn', w.ns), '1037');
    assert.is(sysctl('net/core/somaxconn'), hostSomaxconn, 'the host keeps its own value');
    assert.equal(linkState(w), { mac: 'c2:b0:57:49:47:f1', mtu: 1400, promisc: true, allmulti: true, txqlen: 42 });

    const file = path.join(w.dataDir, `${w.call.containerId}_eth0.json`);
    const expected = `{\n "mac": "${before.mac}",\n "promisc": false,\n "mtu": ${before.mtu},\n "allmulti": false,\n "txQLen": ${before.txqlen}\n}`;
    assert.is(fs.readFileSync(file, 'utf8'), expected, 'byte for byte what the reference writes');

    const check = bin.run('tuning', { ...w.call, command: 'CHECK', config: { ...config, prevResult: add.json } });
    assert.is(check.code, 0, check.stdout);
    w.ns.execOk('ip', ['link', 'set', 'eth0', 'mtu', '1300']);
    const drift = bin.run('tuning', { ...w.call, command: 'CHECK', config: { ...config, prevResult: add.json } });
    assert.is(drift.json?.msg, 'Error: Tuning configured MTU of eth0 is 1400, current value is 1300');
    w.ns.execOk('sysctl', ['-qw', 'net.core.somaxconn=1000']);
    const drift2 = bin.run('tuning', { ...w.call, command: 'CHECK', config: { ...config, prevResult: add.json } });
    assert.is(drift2.json?.msg, 'Error: Tuning configured value of /proc/sys/net/core/somaxconn is 1037, current value is 1000');

    for (let i = 0; i < 2; i++) {
      const del = bin.run('tuning', { ...w.call, command: 'DEL', config });
      assert.is(del.code, 0, del.stdout + del.stderr);
    }
    assert.equal(linkState(w), before, 'MAC, MTU, promisc, allmulti, txqueuelen restored');
    assert.equal(fs.readdirSync(w.dataDir), [], 'backup gone');
  } finally {
    w.cleanup();
  }
});

t('every spec version: ADD passes prevResult through, CHECK (0.4.0+), DEL', ({ bin }) => {
  const w = world();
  try {
    for (const version of ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0']) {
      const config = conf(w, { mtu: 1280 }, version);
      const add = bin.run('tuning', { ...w.call, config });
      assert.is(add.code, 0, `${version}: ${add.stdout}`);
      assert.is(add.json.cniVersion, version);
      assert.is(add.json.ips[0].address, '10.251.7.2/24');
      if (version >= '0.4.0') assert.is(bin.run('tuning', { ...w.call, command: 'CHECK', config: { ...config, prevResult: add.json } }).code, 0);
      assert.is(bin.run('tuning', { ...w.call, command: 'DEL', config }).code, 0);
      assert.is(linkState(w).mtu, 1500);
    }
  } finally {
    w.cleanup();
  }
});

t('CNI_ARGS MAC < runtimeConfig.mac < args.cni.mac; args.cni overrides mtu and adds sysctls', ({ bin }) => {
  const w = world();
  try {
    const config = conf(w, {
      mtu: 1400,
      sysctl: { 'net.core.somaxconn': '900' },
      runtimeConfig: { mac: '02:00:00:00:00:02' },
      args: { cni: { mac: '02:00:00:00:00:03', mtu: 1300, sysctl: { 'net.ipv4.conf.IFNAME.arp_ignore': '1' } } },
    });
    const add = bin.run('tuning', { ...w.call, args: 'IgnoreUnknown=1;MAC=02:00:00:00:00:01', config });
    assert.is(add.code, 0, add.stdout);
    assert.equal([linkState(w).mac, linkState(w).mtu], ['02:00:00:00:00:03', 1300]);
    assert.equal([sysctl('net/core/somaxconn', w.ns), sysctl('net/ipv4/conf/eth0/arp_ignore', w.ns)], ['900', '1']);
    const noArgs = bin.run('tuning', { ...w.call, args: 'MAC=02:00:00:00:00:01', config: conf(w) });
    assert.is(noArgs.code, 0, 'CNI_ARGS MAC alone');
    assert.is(linkState(w).mac, '02:00:00:00:00:01');
    const unknown = bin.run('tuning', { ...w.call, args: 'FOO=1', config: conf(w) });
    assert.is(unknown.json?.code, 4, unknown.stdout);
  } finally {
    w.cleanup();
  }
});

t('the allowlist refuses a sysctl it does not match (code 7, nothing changed) and allows one it matches', ({ bin }) => {
  const w = world();
  try {
    const before = linkState(w);
    const allowlist = '^net\\.ipv4\\.conf\\.IFNAME\\.[a-z_]*$\n\n  ^net\\.ipv4\\.ping_group_range$  \n';
    const refused = runWithAllowlist(bin, { ...w.call, config: conf(w, { mtu: 1400, sysctl: { 'net.ipv4.conf.IFNAME.arp_filter': '1', 'net.core.somaxconn': '1037' } }) }, allowlist);
    assert.is(refused.code, 1, refused.stdout + refused.stderr);
    assert.is(refused.json.code, 7);
    assert.is(refused.json.msg, 'Sysctl net.core.somaxconn is not allowed. Only the following sysctls are allowed: [^net\\.ipv4\\.conf\\.IFNAME\\.[a-z_]*$ ^net\\.ipv4\\.ping_group_range$]');
    assert.is(sysctl('net/ipv4/conf/eth0/arp_filter', w.ns), '0', 'no sysctl written');
    assert.is(sysctl('net/core/somaxconn', w.ns), '4096');
    assert.equal(linkState(w), before, 'no attribute changed');
    assert.equal(fs.readdirSync(w.dataDir), [], 'no backup');

    const allowed = runWithAllowlist(bin, { ...w.call, config: conf(w, { sysctl: { 'net.ipv4.conf.IFNAME.arp_filter': '1' } }) }, allowlist);
    assert.is(allowed.code, 0, allowed.stdout + allowed.stderr);
    assert.is(sysctl('net/ipv4/conf/eth0/arp_filter', w.ns), '1');
    assert.is(fs.existsSync(ALLOWLIST), allowlistOnHost, 'the real /etc was not touched');
  } finally {
    w.cleanup();
  }
});

t('refused keys and configs: not under net, traversal, duplicates, no prevResult, bad values (code 7, nothing changed)', ({ bin }) => {
  const w = world();
  try {
    const before = linkState(w);
    const cases: [object | string, string | RegExp][] = [
      [conf(w, { sysctl: { 'kernel.hostname': 'x' } }), 'invalid net sysctl key: "kernel/hostname"'],
      [conf(w, { sysctl: { 'net/../kernel/hostname': 'x' } }), 'invalid net sysctl key: "net/../kernel/hostname"'],
      [conf(w, { sysctl: { '/proc/sys/net/ipv4/../../kernel/hostname': 'x' } }), /invalid net sysctl key/],
      [conf(w, { sysctl: { 'net..ipv4': 'x' } }), 'invalid net sysctl key: "net//ipv4"'],
      [JSON.stringify(conf(w)).replace('"type":"tuning"', '"type":"tuning","sysctl":{"net.core.somaxconn":"1","net.core.somaxconn":"2"}'), /duplicated sysctl keys are not allowed/],
      [{ ...conf(w, { mtu: 1400 }), prevResult: undefined }, 'Required prevResult missing'],
      [conf(w, { mtu: -1 }), 'mtu must not be negative, got -1'],
      [conf(w, { mtu: '1400' }), /"mtu" must be an integer/],
      [conf(w, { mac: 'zz' }), /invalid MAC address "zz" in mac/],
      [conf(w, { args: { cni: { txQLen: 'x' } } }), /"args.cni.txQLen" must be an integer/],
      [conf(w, { sysctl: { 'net.core.somaxconn': 5 } }), /"sysctl" must be an object of strings/],
    ];
    for (const [config, msg] of cases) {
      const r = bin.run('tuning', { ...w.call, config });
      assert.is(r.json?.code, 7, `${JSON.stringify(config).slice(0, 200)}: ${r.stdout}`);
      if (typeof msg === 'string') assert.is(r.json.msg, msg);
      else assert.match(r.json.msg, msg);
    }
    assert.equal(linkState(w), before);
    assert.equal(fs.readdirSync(w.dataDir), []);
  } finally {
    w.cleanup();
  }
});

t('a failed ADD puts back the sysctls and attributes it changed and removes its backup', ({ bin }) => {
  const w = world();
  try {
    const before = linkState(w);
    const r = bin.run('tuning', { ...w.call, config: conf(w, { sysctl: { 'net.core.somaxconn': '777' }, mac: '02:00:00:00:00:09', mtu: 100000 }) });
    assert.is(r.json?.code, 999, r.stdout);
    assert.match(r.json.msg, /failed to set MTU/);
    assert.is(sysctl('net/core/somaxconn', w.ns), '4096');
    assert.equal(linkState(w), before);
    assert.equal(fs.readdirSync(w.dataDir), []);
    const nosuch = bin.run('tuning', { ...w.call, config: conf(w, { sysctl: { 'net.ipv4.no_such_key': '1' } }) });
    assert.match(nosuch.json?.msg ?? '', /failed to set sysctl \/proc\/sys\/net\/ipv4\/no_such_key/);
    const nolink = bin.run('tuning', { ...w.call, ifName: 'eth9', config: conf(w, { mtu: 1400 }) });
    assert.match(nolink.json?.msg ?? '', /failed to get "eth9"/);
  } finally {
    w.cleanup();
  }
});

t('DEL after the netns is gone removes the backup; GC removes backups of stale attachments of its network only', ({ bin }) => {
  const w = world();
  try {
    const config = conf(w, { mtu: 1400 });
    assert.is(bin.run('tuning', { ...w.call, config }).code, 0);
    assert.is(bin.run('tuning', { ...w.call, containerId: 'keep-me', config }).code, 0);
    assert.is(bin.run('tuning', { ...w.call, containerId: 'other-net', config: { ...config, name: 'othernet' } }).code, 0);
    // A backup the reference wrote (no network file beside it): GC cannot tell whose it is, so keeps it.
    fs.writeFileSync(path.join(w.dataDir, 'by-reference_eth0.json'), '{\n "mtu": 1500\n}');
    const gc = bin.run('tuning', {
      command: 'GC',
      config: { cniVersion: '1.1.0', name: 'tunnet', type: 'tuning', dataDir: w.dataDir, 'cni.dev/valid-attachments': [{ containerID: 'keep-me', ifname: 'eth0' }] },
    });
    assert.is(gc.code, 0, gc.stdout);
    assert.equal(fs.readdirSync(w.dataDir).sort(), ['by-reference_eth0.json', 'keep-me_eth0.json', 'keep-me_eth0.json.network', 'other-net_eth0.json', 'other-net_eth0.json.network']);

    w.ns.remove();
    const del = bin.run('tuning', { ...w.call, containerId: 'keep-me', command: 'DEL', config });
    assert.is(del.code, 0, del.stdout);
    assert.not.ok(fs.existsSync(path.join(w.dataDir, 'keep-me_eth0.json')));
  } finally {
    w.cleanup();
  }
});

t("podman's default conflist (bridge + portmap + firewall + tuning): ADD, CHECK, DEL through the runtime library", async ({ bin }) => {
  const fx = new HostNsFixture();
  const rt = new RuntimeInNetns(bin, fx.host.name, ['bridge', 'host-local', 'portmap', 'firewall', 'tuning']);
  const tuningDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-tuning-podman-'));
  try {
    const c = fx.netns();
    const list = RuntimeInNetns.list({
      cniVersion: '0.4.0',
      name: fx.name,
      plugins: [
        { type: 'bridge', bridge: fx.bridge, isGateway: true, ipMasq: true, hairpinMode: true, ipam: { ...fx.ipam(), routes: [{ dst: '0.0.0.0/0' }] } },
        { type: 'portmap', capabilities: { portMappings: true } },
        { type: 'firewall' },
        { type: 'tuning', dataDir: tuningDir, mtu: 1400, sysctl: { 'net.ipv4.conf.IFNAME.arp_ignore': '1' } },
      ],
    });
    const att = { containerId: `podman-${c.name}`, netns: c.path, ifName: 'eth0', capabilityArgs: { portMappings: [{ hostPort: 18080, containerPort: 80, protocol: 'tcp' }] } };
    const add = await rt.cni.addNetworkList(list, att);
    const ip = `${fx.net.v4Prefix}2`;
    assert.equal(add.result.ips?.map((i) => i.address), [`${ip}/24`]);
    assert.is(linkDetails('eth0', c.name).mtu, 1400);
    assert.is(sysctl('net/ipv4/conf/eth0/arp_ignore', c), '1');
    assert.ok(fx.host.execOk('ip', ['-j', 'link', 'show', 'master', fx.bridge]).includes('veth'), 'the container is on the bridge');
    assert.ok(ping(fx.host, ip), 'the host reaches the container');
    assert.equal(fs.readdirSync(tuningDir).sort(), [`${att.containerId}_eth0.json`, `${att.containerId}_eth0.json.network`]);
    await rt.cni.checkNetworkList(list, att);
    await rt.cni.delNetworkList(list, att);
    assert.equal(fs.readdirSync(tuningDir), [], 'tuning backup gone');
    assert.not.ok(sh('ip', ['-n', c.name, 'link', 'show', 'eth0']).code === 0, 'container interface gone');
    await rt.cni.delNetworkList(list, att);
  } finally {
    rt.dispose();
    fx.cleanup();
    fs.rmSync(tuningDir, { recursive: true, force: true });
  }
});

/** The execve calls a plugin run makes, from `strace -f -e trace=execve`. */
function execsOf(bin: CniBinDir, plugin: string, call: PluginCall): { run: PluginRun; execs: string[] } {
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cni-strace-')), 'trace');
  try {
    const env = cniEnv(bin, call);
    const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', log, path.join(bin.dir, plugin)], { env, input: JSON.stringify(call.config), encoding: 'utf8', timeout: 60_000 });
    const execs = fs.readFileSync(log, 'utf8').split('\n').filter((l) => /execve\(/.test(l));
    return { run: pluginRun(r), execs };
  } finally {
    fs.rmSync(path.dirname(log), { recursive: true, force: true });
  }
}

t('strace: tuning ADD/DEL and sbr ADD/DEL start no process (no ip, tc, sysctl): the only execve is the plugin itself', ({ bin }) => {
  const w = world();
  try {
    w.ns.execOk('ip', ['addr', 'add', '10.251.7.2/24', 'dev', 'eth0']);
    w.ns.execOk('ip', ['link', 'set', 'p0', 'up']);
    w.ns.execOk('ip', ['link', 'set', 'eth0', 'up']);
    const tuning = conf(w, { sysctl: { 'net.core.somaxconn': '1001' }, mac: '02:00:00:00:00:0a', mtu: 1400, promisc: true });
    const sbr = { cniVersion: '1.0.0', name: 'sbrnet', type: 'sbr', prevResult: { ...tuning.prevResult, ips: [{ interface: 0, address: '10.251.7.2/24', gateway: '10.251.7.1' }] } };
    for (const [plugin, config] of [['tuning', tuning], ['sbr', sbr]] as const) {
      for (const command of ['ADD', 'DEL']) {
        const { run, execs } = execsOf(bin, plugin, { ...w.call, command, config });
        assert.is(run.code, 0, `${plugin} ${command}: ${run.stdout}${run.stderr}`);
        assert.is(execs.length, 1, `${plugin} ${command}: ${execs.join('\n')}`);
        assert.match(execs[0]!, new RegExp(`execve\\("${path.join(bin.dir, plugin)}"`));
      }
    }
    // ...and both did their work meanwhile (ADD then DEL: back to where it started).
    assert.is(sysctl('net/core/somaxconn', w.ns), '1001');
    assert.is(linkState(w).mtu, 1500);
  } finally {
    w.cleanup();
  }
});

t(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

t.run();
