/**
 * flannel on one node (a private "host" netns): ADD renders and saves the delegate config and runs
 * bridge + host-local in the same process; CHECK, GC, STATUS and DEL work from the saved config;
 * bad input changes nothing; and the saved file works across the reference: an attachment made by
 * the Go bridge with the reference's saved bytes is removed by our DEL, and ours by the Go DEL.
 * The last test checks that the real host was left alone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CNI_BINARY } from '../helpers/env.js';
import { CniBinDir, type PluginCall, type PluginRun } from '../helpers/cni.js';
import { HostNsFixture, RealHostGuard } from '../helpers/hostns.js';
import { linkExists } from '../helpers/bridge.js';
import { writeSubnetEnv } from '../helpers/flannel.js';
import { ipJson, sh } from '../helpers/sh.js';
import type { TestNetns } from '../helpers/netns.js';

const REFERENCE_DIR = '/usr/lib/cni';
const realHost = new RealHostGuard();
test.before(() => realHost.take());

/** One node: a host netns, a temp dir with subnet.env, the flannel dataDir and the IPAM dir. */
class Node {
  readonly fx = new HostNsFixture();
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-flannel-'));
  readonly dataDir = path.join(this.dir, 'flannel');
  readonly ipamDir = path.join(this.dir, 'ipam');
  readonly subnetFile: string;
  /** Node subnets inside wider flannel networks: 10.A.B.0/24 in 10.A.0.0/16, fd00:X:Y::/64 in fd00:X::/32. */
  readonly v4Prefix = this.fx.net.v4Prefix;
  readonly v6Prefix = this.fx.net.v6Prefix;
  readonly network4 = this.v4Prefix.replace(/\d+\.$/, '0.0/16');
  readonly network6 = `${this.v6Prefix.split(':').slice(0, 2).join(':')}::/32`;

  constructor(ipMasq = true) {
    this.subnetFile = writeSubnetEnv(this.dir, { network: this.network4, subnet: `${this.v4Prefix}1/24`, ipv6Network: this.network6, ipv6Subnet: `${this.v6Prefix}1/64`, mtu: 1400, ipMasq });
  }

  conf(extra: Record<string, unknown> = {}, cniVersion = '1.1.0'): Record<string, unknown> {
    return {
      cniVersion,
      name: this.fx.name,
      type: 'flannel',
      subnetFile: this.subnetFile,
      dataDir: this.dataDir,
      delegate: { bridge: this.fx.bridge, hairpinMode: true, isDefaultGateway: true },
      ipam: { dataDir: this.ipamDir },
      ...extra,
    };
  }

  run(bin: CniBinDir, call: PluginCall, plugin = 'flannel'): PluginRun {
    return this.fx.run(bin, plugin, call);
  }

  /** Addresses host-local holds for this node's network. */
  ipamFiles(): string[] {
    const d = path.join(this.ipamDir, this.fx.name);
    return fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.startsWith(this.v4Prefix) || f.startsWith('fd00:')) : [];
  }

  hostVeths(): string[] {
    return sh('ip', ['-n', this.fx.host.name, '-o', 'link', 'show', 'type', 'veth']).stdout.split('\n').filter(Boolean);
  }

  cleanup(): void {
    this.fx.cleanup();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A fresh node and CNI_PATH for one test, removed afterwards whatever happens. */
function onNode(fn: (n: Node, bin: CniBinDir) => void): void {
  const bin = new CniBinDir();
  const n = new Node();
  try {
    fn(n, bin);
  } finally {
    n.cleanup();
    bin.dispose();
  }
}

const call = (command: string, ns: TestNetns, config: object, containerId = 'fl1', env: Record<string, string> = {}): PluginCall => ({ command, containerId, netns: ns.path, ifName: 'eth0', config, env });

test('ADD saves the rendered delegate config (0600 in a 0700 dir) and attaches through bridge + host-local; CHECK, STATUS; DEL leaves nothing; nothing on stderr', () =>
  onNode((n, bin) => {
    const ns = n.fx.netns();
    const conf = n.conf();
    const add = n.run(bin, call('ADD', ns, conf));
    assert.is(add.code, 0, add.stdout + add.stderr);
    assert.is(add.stderr, '', 'nothing on stderr on success');
    assert.equal(add.json.ips.map((i: { address: string }) => i.address), [`${n.v4Prefix}2/24`, `${n.v6Prefix}2/64`]);
    assert.equal(add.json.routes.map((r: { dst: string }) => r.dst), [n.network4, n.network6, '0.0.0.0/0', '::/0']);
    const saved = path.join(n.dataDir, 'fl1');
    assert.is(fs.statSync(saved).mode & 0o777, 0o600);
    assert.is(fs.statSync(n.dataDir).mode & 0o777, 0o700);
    const savedConf = JSON.parse(fs.readFileSync(saved, 'utf8'));
    assert.equal(savedConf, {
      bridge: n.fx.bridge, cniVersion: '1.1.0', hairpinMode: true, ipMasq: false, isDefaultGateway: true, isGateway: true, mtu: 1400, name: n.fx.name, type: 'bridge',
      ipam: { dataDir: n.ipamDir, ranges: [[{ subnet: n.fx.net.v4 }], [{ subnet: n.fx.net.v6 }]], routes: [{ dst: n.network4 }, { dst: n.network6 }], type: 'host-local' },
    });
    // The kernel: the pod has its address and MTU from subnet.env; its veth is on the bridge with hairpin.
    const addr = sh('ip', ['-n', ns.name, '-j', 'addr', 'show', 'eth0']);
    const link = JSON.parse(addr.stdout)[0];
    assert.is(link.mtu, 1400);
    assert.ok(link.addr_info.some((a: { local: string }) => a.local === `${n.v4Prefix}2`));
    assert.ok(sh('ip', ['-n', n.fx.host.name, '-d', '-j', 'link', 'show', 'master', n.fx.bridge]).stdout.includes('"hairpin":true'));
    // CHECK with the runtime's prevResult, then STATUS.
    const check = n.run(bin, call('CHECK', ns, { ...conf, prevResult: add.json }));
    assert.is(check.code, 0, check.stdout + check.stderr);
    assert.is(check.stderr, '');
    const status = n.run(bin, { command: 'STATUS', config: conf });
    assert.is(status.code, 0, status.stdout);
    // DEL: veth, addresses, IPAM reservation and saved config gone; a second DEL is fine.
    const del = n.run(bin, call('DEL', ns, conf));
    assert.is(del.code, 0, del.stdout + del.stderr);
    assert.is(del.stderr, '');
    assert.not.ok(fs.existsSync(saved));
    assert.equal(n.hostVeths(), []);
    assert.not.ok(linkExists('eth0', ns.name));
    assert.equal(n.ipamFiles(), []);
    assert.is(n.run(bin, call('DEL', ns, conf)).code, 0);
  }));

test('bad input changes nothing: delegate name/ipam/type (code 7), missing subnet.env (code 11, STATUS 50), incomplete subnet.env', () =>
  onNode((n, bin) => {
    const ns = n.fx.netns();
    for (const [delegate, msg] of [
      [{ name: 'x' }, "'delegate' dictionary must not have 'name' field, it'll be set by flannel"],
      [{ ipam: {} }, "'delegate' dictionary must not have 'ipam' field, it'll be set by flannel"],
      [{ type: 7 }, "'delegate' dictionary, if present, must have (string) 'type' field"],
    ] as const) {
      const r = n.run(bin, call('ADD', ns, n.conf({ delegate })));
      assert.is(r.json?.code, 7, r.stdout);
      assert.is(r.json.msg, msg);
    }
    const missing = path.join(n.dir, 'absent.env');
    const r = n.run(bin, call('ADD', ns, n.conf({ subnetFile: missing })));
    assert.is(r.json?.code, 11, r.stdout);
    assert.is(r.json.msg, `loadFlannelSubnetEnv failed: open ${missing}: no such file or directory`);
    assert.match(r.json.details, /flanneld has not written/);
    const st = n.run(bin, { command: 'STATUS', config: n.conf({ subnetFile: missing }) });
    assert.is(st.json?.code, 50, st.stdout);
    assert.match(st.json.msg, /absent\.env/);
    const partial = writeSubnetEnv(n.dir, { network: '10.1.0.0/16' }, 'partial.env');
    fs.writeFileSync(partial, 'FLANNEL_NETWORK=10.1.0.0/16\n');
    const p = n.run(bin, call('ADD', ns, n.conf({ subnetFile: partial })));
    assert.is(p.json?.msg, `loadFlannelSubnetEnv failed: ${partial} is missing FLANNEL_SUBNET, FLANNEL_IPV6_SUBNET, FLANNEL_MTU, FLANNEL_IPMASQ`);
    assert.is(n.run(bin, { command: 'STATUS', config: n.conf({ subnetFile: partial }) }).json?.code, 50);
    // Nothing was made: no saved config, no bridge, no veth, no IPAM state.
    assert.not.ok(fs.existsSync(n.dataDir));
    assert.not.ok(linkExists(n.fx.bridge, n.fx.host.name));
    assert.equal(n.hostVeths(), []);
    assert.not.ok(fs.existsSync(n.ipamDir));
  }));

test('a failed delegated ADD rolls back the saved config; DEL works with subnet.env gone, keeps the file when the delegate fails; CHECK without a saved config fails', () =>
  onNode((n, bin) => {
    const ns = n.fx.netns();
    const bad = n.run(bin, call('ADD', ns, n.conf({ ipam: { dataDir: n.ipamDir, routes: [{ dst: '0.0.0.0/0' }] } })));
    assert.is.not(bad.code, 0);
    assert.match(bad.json.msg, /0\.0\.0\.0\/0/, 'the default route the bridge adds too');
    assert.not.ok(fs.existsSync(path.join(n.dataDir, 'fl1')));
    assert.equal(n.hostVeths(), []);
    const conf = n.conf();
    const add = n.run(bin, call('ADD', ns, conf));
    assert.is(add.code, 0, add.stdout);
    fs.rmSync(n.subnetFile); // node shutting down: flanneld gone
    const check = n.run(bin, call('CHECK', ns, { ...conf, prevResult: add.json }, 'other'));
    assert.is(check.json?.code, 3, check.stdout);
    assert.match(check.json.msg, /no saved delegate config for container other/);
    const del = n.run(bin, call('DEL', ns, conf));
    assert.is(del.code, 0, del.stdout);
    assert.equal(n.hostVeths(), []);
    assert.not.ok(fs.existsSync(path.join(n.dataDir, 'fl1')));
    // A delegated DEL that fails keeps the saved config, so the runtime's retry can finish the job.
    const broken = path.join(n.dataDir, 'broken');
    fs.writeFileSync(broken, JSON.stringify({ cniVersion: '1.1.0', name: n.fx.name, type: 'no-such-plugin' }));
    const failed = n.run(bin, call('DEL', ns, conf, 'broken'));
    assert.is(failed.code, 1, failed.stdout);
    assert.match(failed.json.msg, /failed to find plugin "no-such-plugin"/);
    assert.ok(fs.existsSync(broken));
  }));

test('GC removes the saved configs of attachments not valid any more and host-local releases their addresses', () =>
  onNode((n, bin) => {
    const a = n.fx.netns();
    const b = n.fx.netns();
    const conf = n.conf();
    assert.is(n.run(bin, call('ADD', a, conf, 'keep')).code, 0);
    assert.is(n.run(bin, call('ADD', b, conf, 'stale')).code, 0);
    fs.writeFileSync(path.join(n.dataDir, 'othernet'), JSON.stringify({ name: 'another-network', type: 'bridge' }));
    b.remove(); // the container went away without a DEL
    const ipamDir = path.join(n.ipamDir, n.fx.name);
    const owners = () => fs.readdirSync(ipamDir).filter((f) => f.startsWith(n.v4Prefix)).map((f) => fs.readFileSync(path.join(ipamDir, f), 'utf8').split(/\r?\n/)[0]).sort();
    assert.equal(owners(), ['keep', 'stale']);
    const gc = n.run(bin, { command: 'GC', config: { ...conf, 'cni.dev/valid-attachments': [{ containerID: 'keep', ifname: 'eth0' }] } });
    assert.is(gc.code, 0, gc.stdout + gc.stderr);
    assert.equal(fs.readdirSync(n.dataDir).sort(), ['keep', 'othernet'], "another network's file is not ours to remove");
    assert.equal(owners(), ['keep']);
    assert.is(n.run(bin, call('DEL', a, conf, 'keep')).code, 0);
  }));

test('GC with subnet.env gone still collects, and logs at debug why it passed nothing on, with the error by its name', () =>
  onNode((n, bin) => {
    const missing = path.join(n.dir, 'gone', 'subnet.env');
    const gc = n.run(bin, { command: 'GC', config: { ...n.conf(), subnetFile: missing, 'cni.dev/valid-attachments': [] }, env: { CNI_LOG_LEVEL: 'debug' } });
    assert.is(gc.code, 0, gc.stdout + gc.stderr);
    const line = logLines(gc.stderr, 'flannel').find((l) => (l as { msg?: string }).msg === 'subnet.env not readable: GC not passed to the delegate') as { err?: { type?: string; message?: string } } | undefined;
    assert.ok(line, gc.stderr);
    // The executable keeps no function names (build.ts): the type is the error's own name.
    assert.is(line!.err?.type, 'CniError');
    assert.match(line!.err?.message ?? '', missing);
  }));

test('every spec version 0.1.0..1.1.0: ADD gives the result in that version, DEL cleans up; runtimeConfig reaches the delegate', () =>
  onNode((n, bin) => {
    for (const [k, v] of ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'].entries()) {
      const ns = n.fx.netns();
      const mac = `c2:11:22:33:44:${(0x10 + k).toString(16)}`;
      const conf = n.conf({ runtimeConfig: { mac } }, v);
      const add = n.run(bin, call('ADD', ns, conf, `v${k}`));
      assert.is(add.code, 0, `${v}: ${add.stdout}`);
      if (v.startsWith('0.1') || v.startsWith('0.2')) assert.is(add.json.ip4.ip, `${n.v4Prefix}${2 + k}/24`, v);
      else assert.is(add.json.cniVersion, v);
      // The delegate (bridge) applied runtimeConfig.mac, which only flannel received.
      if (!v.startsWith('0.1') && !v.startsWith('0.2')) assert.is(ipJson<{ address: string }[]>(['link', 'show', 'dev', 'eth0'], ns.name)[0]!.address, mac, v);
      assert.is(n.run(bin, call('DEL', ns, conf, `v${k}`)).code, 0, v);
    }
    assert.equal(n.hostVeths(), []);
    assert.equal(n.ipamFiles(), []);
    assert.equal(fs.readdirSync(n.dataDir), []);
  }));

/** pino lines without what differs between any two processes (and stack frames, which show the caller). */
function logLines(stderr: string, plugin: string): object[] {
  return stderr
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.plugin === plugin)
    .map(({ pid: _p, time: _t, hostname: _h, ...rest }) => {
      if (rest.err && typeof rest.err === 'object') rest.err = { ...(rest.err as object), stack: undefined };
      return rest;
    });
}

/** A CNI_PATH whose bridge and host-local are scripts exec'ing the binary: separate processes. */
function execPathDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-bin-exec-'));
  fs.symlinkSync(CNI_BINARY, path.join(dir, 'flannel'));
  for (const p of ['bridge', 'host-local']) fs.writeFileSync(path.join(dir, p), `#!/bin/bash\nexec -a ${p} ${CNI_BINARY} "$@"\n`, { mode: 0o755 });
  return dir;
}

test('one process: flannel -> bridge -> host-local is a single exec, with the same result, errors and logs as exec\'ing them', () => {
  const inProcess = new CniBinDir();
  const execDir = execPathDir();
  const n1 = new Node();
  const n2 = new Node();
  const straceOut = path.join(n1.dir, 'strace.txt');
  try {
    // strace -f follows every child: one execve (the plugin itself) means no delegate process.
    const ns = n1.fx.netns();
    const conf = n1.conf();
    const file = path.join(inProcess.dir, 'flannel');
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'one', CNI_NETNS: ns.path, CNI_IFNAME: 'eth0', CNI_PATH: inProcess.dir };
    const traced = sh('ip', ['netns', 'exec', n1.fx.host.name, 'strace', '-f', '-qq', '-e', 'trace=execve', '-o', straceOut, file], { env, input: JSON.stringify(conf) });
    assert.is(traced.code, 0, traced.stdout + traced.stderr);
    const execs = fs.readFileSync(straceOut, 'utf8').split('\n').filter((l) => /execve\(/.test(l));
    assert.is(execs.length, 1, execs.join('\n'));
    assert.match(execs[0]!, /flannel/);
    assert.is(n1.run(inProcess, call('DEL', ns, conf, 'one')).code, 0);

    // Same work both ways: in-process (symlinks) and separate processes (scripts).
    const sides = [
      { n: n1, bin: inProcess },
      { n: n2, bin: new CniBinDir(execDir) },
    ];
    const outcomes = sides.map(({ n, bin }) => {
      const pod = n.fx.netns();
      // Same subnets on both sides (separate host netns and dirs), so the same addresses come out.
      fs.writeFileSync(n.subnetFile, fs.readFileSync(n1.subnetFile));
      // A fresh IPAM dir: the traced ADD above moved host-local's last reserved address on n1.
      const ipamDir = path.join(n.dir, 'ipam-cmp');
      const c = { ...n.conf(), name: 'flcmp', delegate: { bridge: 'cnifl0', hairpinMode: true, isDefaultGateway: true }, ipam: { dataDir: ipamDir } };
      const e = { CNI_LOG_LEVEL: 'debug' };
      const ok = n.run(bin, call('ADD', pod, c, 'same', e));
      // Errors made by the delegates themselves: bridge refuses its name, host-local its dataDir.
      const bad = n.run(bin, call('ADD', n.fx.netns(), { ...c, delegate: { bridge: 'x'.repeat(20) } }, 'same2', e));
      const bad2 = n.run(bin, call('ADD', n.fx.netns(), { ...c, ipam: { dataDir: '/dev/null/ipam' } }, 'same3', e));
      const del = n.run(bin, call('DEL', pod, c, 'same', e));
      return { ok, bad, bad2, del };
    });
    const [a, b] = outcomes as [(typeof outcomes)[0], (typeof outcomes)[0]];
    assert.is(a.ok.code, 0, a.ok.stdout + a.ok.stderr);
    assert.is(b.ok.code, 0, b.ok.stdout + b.ok.stderr);
    for (const k of ['ips', 'routes', 'dns', 'cniVersion']) assert.equal(a.ok.json[k], b.ok.json[k], k);
    assert.equal(a.ok.json.interfaces.map((i: { name: string }) => i.name).filter((x: string) => !x.startsWith('veth')), b.ok.json.interfaces.map((i: { name: string }) => i.name).filter((x: string) => !x.startsWith('veth')));
    assert.is(a.bad.code, 1);
    assert.equal(a.bad.json, b.bad.json, 'identical error JSON');
    assert.equal(a.bad2.json, b.bad2.json, 'identical error JSON');
    assert.is(a.del.code, 0);
    assert.is(b.del.code, 0);
    const delegating = (s: string) => logLines(s, 'flannel').find((l) => (l as { msg?: string }).msg === 'delegating') as { inProcess?: boolean } | undefined;
    assert.is(delegating(a.ok.stderr)?.inProcess, true, a.ok.stderr);
    assert.is(delegating(b.ok.stderr)?.inProcess, false, b.ok.stderr);
    // bridge ran host-local in-process too (flannel -> bridge -> host-local in one process).
    const bridgeDelegating = (s: string) => logLines(s, 'bridge').find((l) => (l as { msg?: string }).msg === 'delegating') as { inProcess?: boolean } | undefined;
    assert.is(bridgeDelegating(a.ok.stderr)?.inProcess, true);
    assert.is(bridgeDelegating(b.ok.stderr)?.inProcess, false);
    // Every other log line of the delegates is the same either way.
    const notDelegating = (l: object) => (l as { msg?: string }).msg !== 'delegating';
    for (const plugin of ['bridge', 'host-local']) {
      for (const k of ['ok', 'bad', 'bad2', 'del'] as const) {
        const la = logLines(a[k].stderr, plugin).filter(notDelegating);
        const lb = logLines(b[k].stderr, plugin).filter(notDelegating);
        assert.equal(la.map(noVeth), lb.map(noVeth), `${plugin} ${k} logs`);
      }
    }
    assert.ok(logLines(a.ok.stderr, 'host-local').length > 0, 'host-local logged at debug');
  } finally {
    n1.cleanup();
    n2.cleanup();
    inProcess.dispose();
    fs.rmSync(execDir, { recursive: true, force: true });
  }
});

/** Log lines with the random host veth name and MACs masked. */
function noVeth(o: object): string {
  return JSON.stringify(o).replace(/veth[0-9a-f]{8}/g, 'vethX').replace(/([0-9a-f]{2}:){5}[0-9a-f]{2}/g, 'MAC');
}

test('switching with pods running: the reference DELs what we added, and we DEL what the reference added', () => {
  if (!fs.existsSync(path.join(REFERENCE_DIR, 'bridge'))) throw new Error(`${REFERENCE_DIR}/bridge missing: apt-get install containernetworking-plugins`);
  const ours = new CniBinDir();
  const n = new Node();
  const ref = (command: string, ns: TestNetns, id: string, bytes: Buffer) =>
    sh('ip', ['netns', 'exec', n.fx.host.name, path.join(REFERENCE_DIR, 'bridge')], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', CNI_COMMAND: command, CNI_CONTAINERID: id, CNI_NETNS: ns.path, CNI_IFNAME: 'eth0', CNI_PATH: REFERENCE_DIR },
      input: bytes,
    });
  try {
    // The Debian reference speaks up to 1.0.0.
    const conf = n.conf({}, '1.0.0');
    // 1. Added by us; the reference flannel's DEL = its delegate (Go bridge) run with our saved bytes.
    const p1 = n.fx.netns();
    assert.is(n.run(ours, call('ADD', p1, conf, 'ours')).code, 0);
    const savedByUs = fs.readFileSync(path.join(n.dataDir, 'ours'));
    const refDel = ref('DEL', p1, 'ours', savedByUs);
    assert.is(refDel.code, 0, refDel.stdout + refDel.stderr);
    assert.equal(n.hostVeths(), []);
    // 2. Added by the reference: it saves these same bytes (unit test flannel-config proves the
    // format) and runs the Go bridge with them; our DEL then finds and removes everything.
    const p2 = n.fx.netns();
    fs.writeFileSync(path.join(n.dataDir, 'theirs'), savedByUs, { mode: 0o600 });
    const refAdd = ref('ADD', p2, 'theirs', savedByUs);
    assert.is(refAdd.code, 0, refAdd.stdout + refAdd.stderr);
    assert.equal(n.hostVeths().length, 1);
    const check = n.run(ours, call('CHECK', p2, { ...conf, prevResult: JSON.parse(refAdd.stdout) }, 'theirs'));
    assert.is(check.code, 0, check.stdout + check.stderr);
    const del = n.run(ours, call('DEL', p2, conf, 'theirs'));
    assert.is(del.code, 0, del.stdout + del.stderr);
    assert.equal(n.hostVeths(), []);
    assert.not.ok(fs.existsSync(path.join(n.dataDir, 'theirs')));
    assert.equal(n.ipamFiles(), []);
  } finally {
    n.cleanup();
    ours.dispose();
  }
});

test(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

test.run();
