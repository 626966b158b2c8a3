/**
 * bandwidth through dist/cni symlinks and through the runtime library (`cni exec` with a conflist
 * and the "bandwidth" capability), in a private "host" namespace per test: real TCP traffic shaped
 * to the configured rate in both directions, the kernel's tc state after ADD and DEL, CHECK
 * noticing a qdisc changed by hand, the reference's config errors changing nothing, refusing qdiscs
 * another tool owns (and DEL leaving them alone), GC of stale IFBs, every spec version, and no
 * child process on the plugin path. The last test checks that the real host was left alone.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CniBinDir } from '../helpers/cni.js';
import { CNI_BINARY, uniqueSuffix } from '../helpers/env.js';
import { HostNsFixture, makeHostNetns, RealHostGuard } from '../helpers/hostns.js';
import { makeNetns, type TestNetns } from '../helpers/netns.js';
import { uniqueSubnets } from '../helpers/bridge.js';
import { tcpTransfer } from '../helpers/tcp-rate.js';

const t = suite<{ bin: CniBinDir }>('bandwidth');
const realHost = new RealHostGuard();
/**
 * Loading the ifb module (on the first IFB anywhere) adds ifb0 and ifb1 to the real host unless
 * it is loaded with numifbs=0 (.ci/run does): have it loaded before the snapshot, not during the tests.
 */
function loadIfbModule(): void {
  const ns = makeNetns('cnibwm');
  try {
    ns.exec('ip', ['link', 'add', 'ifbprobe', 'type', 'ifb']);
  } finally {
    ns.remove();
  }
}

t.before(async (ctx) => {
  loadIfbModule();
  await realHost.take();
  ctx.bin = new CniBinDir();
});
t.after((ctx) => ctx.bin?.dispose());

const MBIT = 1_000_000;
const call = (ns: TestNetns, containerId = `c-${ns.name}`) => ({ containerId, netns: ns.path, ifName: 'eth0' });

/** The IFB name the reference derives: "bwp" + sha512(network + containerID), 15 characters. */
function ifbNameOf(network: string, containerId: string): string {
  return `bwp${spawnSync('sha512sum', { input: network + containerId, encoding: 'utf8' }).stdout.slice(0, 12)}`;
}

function qdiscs(host: TestNetns, dev: string): any[] {
  return JSON.parse(host.execOk('tc', ['-j', 'qdisc', 'show', 'dev', dev]));
}
function ingressFilters(host: TestNetns, dev: string): any[] {
  const out = host.exec('tc', ['-j', 'filter', 'show', 'dev', dev, 'parent', 'ffff:']);
  return out.code === 0 && out.stdout.trim() ? JSON.parse(out.stdout) : [];
}
function ifbs(host: TestNetns): string[] {
  return JSON.parse(host.execOk('ip', ['-j', 'link', 'show', 'type', 'ifb'])).map((l: any) => l.ifname);
}
/** Configured (non-default) qdiscs of a link: "kind handle" each. */
function madeQdiscs(host: TestNetns, dev: string): string[] {
  return qdiscs(host, dev)
    .filter((q) => q.handle !== '0:')
    .map((q) => `${q.kind} ${q.handle}`);
}

/** A ptp attachment in a fixture's host namespace; returns its result (the prevResult for bandwidth). */
function ptpAdd(fx: HostNsFixture, bin: CniBinDir, ns: TestNetns, containerId?: string, version = '1.1.0'): any {
  const r = fx.run(bin, 'ptp', { ...call(ns, containerId), command: 'ADD', config: { ...fx.ptpConf(), cniVersion: version } });
  assert.is(r.code, 0, r.stdout + r.stderr);
  return r.json;
}

function bwConf(fx: HostNsFixture, prevResult: unknown, keys: Record<string, unknown>, version = '1.1.0') {
  return { cniVersion: version, name: fx.name, type: 'bandwidth', ...keys, prevResult };
}

const SHAPE = { ingressRate: 8 * MBIT, ingressBurst: 80_000, egressRate: 16 * MBIT, egressBurst: 160_000 };

t('conflist bridge + bandwidth through the runtime (capability "bandwidth"): both directions shaped, unshaped much faster; CHECK; DEL removes the IFB', async ({ bin }) => {
  const host = makeHostNetns('cnibwh');
  const a = makeNetns('cnibw');
  const b = makeNetns('cnibw');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-bw-'));
  try {
    const suffix = uniqueSuffix();
    const name = `bwnet-${suffix}`;
    const net = uniqueSubnets();
    const confDir = path.join(tmp, 'net.d');
    fs.mkdirSync(confDir);
    fs.writeFileSync(
      path.join(confDir, '10-bw.conflist'),
      JSON.stringify({
        cniVersion: '1.1.0',
        name,
        plugins: [
          { type: 'bridge', bridge: `cnibw-${suffix}`, isGateway: true, ipam: { type: 'host-local', dataDir: path.join(tmp, 'ipam'), ranges: [[{ subnet: net.v4 }]] } },
          { type: 'bandwidth', capabilities: { bandwidth: true } },
        ],
      }),
    );
    const cni = (args: string[]) => {
      const r = spawnSync('ip', ['netns', 'exec', host.name, CNI_BINARY, 'exec', ...args, '--conf-dir', confDir, '--cni-path', bin.dir, '--cache-dir', path.join(tmp, 'cache')], { encoding: 'utf8', timeout: 60_000 });
      return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    };
    const addA = cni(['add', name, a.path, '--container-id', 'cA', '--json', '--cap-args', JSON.stringify({ bandwidth: SHAPE })]);
    assert.is(addA.code, 0, addA.stderr);
    const addB = cni(['add', name, b.path, '--container-id', 'cB', '--json']);
    assert.is(addB.code, 0, addB.stderr);
    const resA = JSON.parse(addA.stdout);
    const ifb = ifbNameOf(name, 'cA');
    assert.ok(resA.interfaces.some((i: any) => i.name === ifb && !i.sandbox), `the IFB is reported: ${addA.stdout}`);
    assert.equal(ifbs(host), [ifb], 'one IFB, for the shaped container only');
    const ipA = resA.ips[0].address.split('/')[0];
    const ipB = JSON.parse(addB.stdout).ips[0].address.split('/')[0];
    const gw = `${net.v4Prefix}1`;

    // 3 MB each way. Tolerance: within 5/8..10/8 of the configured rate (TCP over a tbf with a
    // 25 ms queue gets close to the rate but not above it; the margin absorbs a busy machine).
    const inbound = await tcpTransfer(b, a, ipA, 3_000_000);
    const outbound = await tcpTransfer(a, b, ipB, 3_000_000);
    const unshaped = await tcpTransfer(b, host, gw, 20_000_000);
    const report = `A ingress ${inbound.mbitPerSec.toFixed(2)} Mbit/s, A egress ${outbound.mbitPerSec.toFixed(2)} Mbit/s, unshaped ${unshaped.mbitPerSec.toFixed(1)} Mbit/s`;
    console.log(`    ${report}`);
    assert.ok(inbound.mbitPerSec >= 5 && inbound.mbitPerSec <= 10, `ingress limited to 8 Mbit/s: ${report}`);
    assert.ok(outbound.mbitPerSec >= 10 && outbound.mbitPerSec <= 20, `egress limited to 16 Mbit/s: ${report}`);
    assert.ok(unshaped.mbitPerSec >= 4 * outbound.mbitPerSec, `unshaped traffic several times faster: ${report}`);

    const check = cni(['check', name, a.path, '--container-id', 'cA']);
    assert.is(check.code, 0, check.stderr);
    for (const [ns, id] of [[a, 'cA'], [b, 'cB']] as const) {
      const del = cni(['del', name, ns.path, '--container-id', id]);
      assert.is(del.code, 0, del.stderr);
    }
    assert.equal(ifbs(host), [], 'IFB gone after DEL');
  } finally {
    a.remove();
    b.remove();
    host.remove();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

t('ptp + bandwidth through symlinks: tbf, ingress qdisc, u32 mirred filter and IFB as the reference makes them; CHECK; a hand change fails CHECK; DEL removes all of it, twice', ({ bin }) => {
  const fx = new HostNsFixture();
  try {
    const ns = fx.netns();
    const prev = ptpAdd(fx, bin, ns);
    const veth = prev.interfaces[0].name;
    const conf = bwConf(fx, prev, SHAPE);
    const add = fx.run(bin, 'bandwidth', { ...call(ns), command: 'ADD', config: conf });
    assert.is(add.code, 0, add.stdout + add.stderr);
    const ifb = ifbNameOf(fx.name, `c-${ns.name}`);
    assert.equal(add.json.interfaces.slice(0, 2), prev.interfaces, 'prevResult passed through');
    assert.is(add.json.interfaces[2].name, ifb);
    assert.match(add.json.interfaces[2].mac, /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);

    // Ingress: root tbf 1: on the host veth, 1 MB/s, burst 10 KB, limit 25 ms of rate + burst.
    const root = qdiscs(fx.host, veth).find((q) => q.root);
    assert.is(root.kind, 'tbf');
    assert.is(root.handle, '1:');
    assert.is(root.options.rate, 1_000_000);
    assert.is(root.options.burst, 10_000);
    assert.is(root.options.lat, 25_000, 'limit = 25 ms of rate + burst (tc shows it back as the latency, in us)');
    assert.equal(madeQdiscs(fx.host, veth).sort(), ['ingress ffff:', 'tbf 1:']);
    // Egress: the veth's ingress redirected to the IFB, whose root tbf shapes at 2 MB/s.
    const redirect = ingressFilters(fx.host, veth).find((f) => f.options?.actions);
    assert.is(redirect.kind, 'u32');
    assert.is(redirect.options.actions[0].kind, 'mirred');
    assert.is(redirect.options.actions[0].to_dev, ifb);
    assert.is(redirect.options.actions[0].mirred_action, 'redirect');
    const ifbRoot = qdiscs(fx.host, ifb).find((q) => q.root);
    assert.equal([ifbRoot.kind, ifbRoot.options.rate, ifbRoot.options.burst, ifbRoot.options.lat], ['tbf', 2_000_000, 20_000, 25_000]);
    const link = JSON.parse(fx.host.execOk('ip', ['-j', '-d', 'link', 'show', ifb]))[0];
    assert.ok(link.flags.includes('UP'));
    assert.is(link.mtu, 1500);
    assert.match(link.ifalias, /^cni-bandwidth [0-9a-f]{16} /);

    const check = fx.run(bin, 'bandwidth', { ...call(ns), command: 'CHECK', config: conf });
    assert.is(check.code, 0, check.stdout + check.stderr);
    fx.host.execOk('tc', ['qdisc', 'change', 'dev', veth, 'root', 'handle', '1:', 'tbf', 'rate', '2mbit', 'burst', '10000', 'limit', '35000']);
    const bad = fx.run(bin, 'bandwidth', { ...call(ns), command: 'CHECK', config: conf });
    assert.is.not(bad.code, 0);
    assert.match(bad.json.msg, /Rate doesn't match on veth\w+ \(250000 != 1000000 bytes\/s\)/);
    fx.host.execOk('tc', ['qdisc', 'change', 'dev', veth, 'root', 'handle', '1:', 'tbf', 'rate', '8mbit', 'burst', '10000', 'limit', '35000']);
    assert.is(fx.run(bin, 'bandwidth', { ...call(ns), command: 'CHECK', config: conf }).code, 0, 'the same parameters set by tc pass');
    fx.host.execOk('tc', ['qdisc', 'del', 'dev', ifb, 'root']);
    const noIfbTbf = fx.run(bin, 'bandwidth', { ...call(ns), command: 'CHECK', config: conf });
    assert.match(noIfbTbf.json?.msg ?? '', /Failed to find qdisc: no root tbf on bwp/);

    for (let i = 0; i < 2; i++) {
      const del = fx.run(bin, 'bandwidth', { ...call(ns), command: 'DEL', config: conf });
      assert.is(del.code, 0, `DEL #${i + 1}: ${del.stdout}${del.stderr}`);
      assert.equal(madeQdiscs(fx.host, veth), [], 'the host veth has only its default qdisc');
      assert.equal(ingressFilters(fx.host, veth), []);
      assert.equal(ifbs(fx.host), []);
    }
    assert.is(fx.run(bin, 'ptp', { ...call(ns), command: 'DEL', config: fx.ptpConf() }).code, 0);
    const gone = fx.run(bin, 'bandwidth', { ...call(ns), command: 'DEL', config: conf });
    assert.is(gone.code, 0, `DEL with the veth gone: ${gone.stdout}`);
    ns.remove();
    const noNetns = fx.run(bin, 'bandwidth', { ...call(ns), command: 'DEL', config: conf });
    assert.is(noNetns.code, 0, `DEL with the netns gone: ${noNetns.stdout}`);
  } finally {
    fx.cleanup();
  }
});

t('every spec version: ADD (1.1.0..0.3.0 shape ingress only; 0.1.0/0.2.0 results list no interfaces), CHECK from 0.4.0, DEL', ({ bin }) => {
  const fx = new HostNsFixture();
  try {
    for (const version of ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0']) {
      const ns = fx.netns();
      const prev = ptpAdd(fx, bin, ns, undefined, version);
      const conf = bwConf(fx, prev, { ingressRate: MBIT, ingressBurst: 100_000 }, version);
      const add = fx.run(bin, 'bandwidth', { ...call(ns), command: 'ADD', config: conf });
      assert.is(add.code, 0, `${version}: ${add.stdout}${add.stderr}`);
      assert.is(add.json.cniVersion, version);
      assert.equal(add.json.interfaces, prev.interfaces, `${version}: no IFB without egress shaping`);
      assert.equal(madeQdiscs(fx.host, prev.interfaces[0].name), ['tbf 1:']);
      if (version >= '0.4.0') assert.is(fx.run(bin, 'bandwidth', { ...call(ns), command: 'CHECK', config: conf }).code, 0, version);
      assert.is(fx.run(bin, 'bandwidth', { ...call(ns), command: 'DEL', config: conf }).code, 0, version);
      assert.equal(madeQdiscs(fx.host, prev.interfaces[0].name), [], `${version}: tbf removed`);
    }
    for (const version of ['0.1.0', '0.2.0']) {
      const ns = fx.netns();
      const prev = ptpAdd(fx, bin, ns, undefined, version);
      const passthrough = fx.run(bin, 'bandwidth', { ...call(ns), command: 'ADD', config: bwConf(fx, prev, {}, version) });
      assert.is(passthrough.code, 0, passthrough.stdout);
      assert.equal(passthrough.json, prev, `${version}: without bandwidth the prevResult comes back`);
      const shaped = fx.run(bin, 'bandwidth', { ...call(ns), command: 'ADD', config: bwConf(fx, prev, { ingressRate: MBIT, ingressBurst: 100_000 }, version) });
      assert.is(shaped.json?.msg, 'no interfaces provided', shaped.stdout);
    }
  } finally {
    fx.cleanup();
  }
});

t("bad configurations: the reference's errors, nothing changed", ({ bin }) => {
  const fx = new HostNsFixture();
  try {
    const ns = fx.netns();
    const prev = ptpAdd(fx, bin, ns);
    const veth = prev.interfaces[0].name;
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ ingressRate: MBIT }, 7, /^if rate is set, burst must also be set$/],
      [{ egressBurst: 1000 }, 7, /^if burst is set, rate must also be set$/],
      [{ egressRate: MBIT, egressBurst: 8 * 0xffffffff }, 7, /^burst cannot be more than 4GB$/],
      [{ runtimeConfig: { bandwidth: { ingressRate: MBIT } } }, 7, /^if rate is set, burst must also be set$/],
      [{ ingressRate: -1, ingressBurst: 10 }, 7, /"ingressRate" must be a non-negative integer/],
      [{ ingressRate: '1M', ingressBurst: 10 }, 7, /"ingressRate" must be a non-negative integer/],
      [{ ingressRate: 4, ingressBurst: 1000 }, 7, /invalid ingressRate 4: the rate must be at least 8 bits\/s/],
      [{ egressRate: 8, egressBurst: 8 * 0xfffffff0 }, 7, /egressBurst \d+ is too large for egressRate 8/],
      [{ ingressRate: MBIT, ingressBurst: 1000, shapedSubnets: ['10.0.0.0/8'] }, 2, /"shapedSubnets" is not supported/],
    ];
    for (const [keys, code, msg] of cases) {
      const r = fx.run(bin, 'bandwidth', { ...call(ns), command: 'ADD', config: bwConf(fx, prev, keys) });
      assert.is(r.json?.code, code, `${JSON.stringify(keys)}: ${r.stdout}`);
      assert.match(r.json.msg, msg, JSON.stringify(keys));
    }
    const noPrev = fx.run(bin, 'bandwidth', { ...call(ns), command: 'ADD', config: bwConf(fx, undefined, SHAPE) });
    assert.equal([noPrev.json?.code, noPrev.json?.msg], [7, 'must be called as chained plugin']);
    // Top-level keys win over runtimeConfig (the reference's embedded struct): a valid top-level
    // pair hides an invalid capability entry.
    const top = fx.run(bin, 'bandwidth', { ...call(ns), command: 'ADD', config: bwConf(fx, prev, { ingressRate: MBIT, ingressBurst: 100_000, runtimeConfig: { bandwidth: { egressRate: MBIT } } }) });
    assert.is(top.code, 0, top.stdout);
    assert.equal(madeQdiscs(fx.host, veth), ['tbf 1:'], 'ingress only: the runtimeConfig entry was ignored');
    assert.is(fx.run(bin, 'bandwidth', { ...call(ns), command: 'DEL', config: bwConf(fx, prev, { ingressRate: MBIT, ingressBurst: 100_000 }) }).code, 0);
    assert.equal(madeQdiscs(fx.host, veth), [], 'nothing left');
    assert.equal(ifbs(fx.host), []);
  } finally {
    fx.cleanup();
  }
});

t('qdiscs another tool owns: ADD refuses with a clear error and changes nothing; the DEL a runtime sends next leaves them alone', ({ bin }) => {
  const fx = new HostNsFixture();
  try {
    const ns = fx.netns();
    const prev = ptpAdd(fx, bin, ns);
    const veth = prev.interfaces[0].name;
    // Someone else's ingress qdisc with a filter of its own (e.g. a CNI policy agent).
    fx.host.execOk('tc', ['qdisc', 'add', 'dev', veth, 'handle', 'ffff:', 'ingress']);
    fx.host.execOk('tc', ['filter', 'add', 'dev', veth, 'parent', 'ffff:', 'protocol', 'ip', 'prio', '7', 'u32', 'match', 'ip', 'dport', '9', '0xffff', 'flowid', '1:7']);
    const before = JSON.stringify(ingressFilters(fx.host, veth));
    const conf = bwConf(fx, prev, SHAPE);
    const r = fx.run(bin, 'bandwidth', { ...call(ns), command: 'ADD', config: conf });
    assert.is.not(r.code, 0);
    assert.match(r.json.msg, new RegExp(`^host interface ${veth} already has an ingress qdisc \\(another tool owns its ingress hook\\): refusing to change it`));
    assert.equal(madeQdiscs(fx.host, veth), ['ingress ffff:'], 'no tbf added either (checked before any change)');
    assert.equal(ifbs(fx.host), []);
    assert.is(fx.run(bin, 'bandwidth', { ...call(ns), command: 'DEL', config: conf }).code, 0);
    assert.equal(madeQdiscs(fx.host, veth), ['ingress ffff:']);
    assert.is(JSON.stringify(ingressFilters(fx.host, veth)), before, 'their filter untouched');

    // Someone else's root qdisc: ingress shaping refuses; egress-only shaping does not need it.
    fx.host.execOk('tc', ['qdisc', 'del', 'dev', veth, 'ingress']);
    fx.host.execOk('tc', ['qdisc', 'add', 'dev', veth, 'root', 'handle', '1:', 'tbf', 'rate', '8mbit', 'burst', '10000', 'limit', '20000']);
    const root = fx.run(bin, 'bandwidth', { ...call(ns), command: 'ADD', config: bwConf(fx, prev, { ingressRate: 8 * MBIT, ingressBurst: 80_000 }) });
    assert.match(root.json?.msg ?? '', new RegExp(`^host interface ${veth} already has a root qdisc \\(tbf 1:0\\) made by another tool`));
    assert.is(fx.run(bin, 'bandwidth', { ...call(ns), command: 'DEL', config: bwConf(fx, prev, { ingressRate: 8 * MBIT, ingressBurst: 80_000 }) }).code, 0);
    assert.equal(madeQdiscs(fx.host, veth), ['tbf 1:'], 'their tbf (other limit) kept by DEL');
    const egressOnly = bwConf(fx, prev, { egressRate: 8 * MBIT, egressBurst: 80_000 });
    assert.is(fx.run(bin, 'bandwidth', { ...call(ns), command: 'ADD', config: egressOnly }).code, 0);
    assert.is(fx.run(bin, 'bandwidth', { ...call(ns), command: 'DEL', config: egressOnly }).code, 0);
    assert.equal(madeQdiscs(fx.host, veth), ['tbf 1:'], 'theirs kept, ours gone');
    assert.equal(ifbs(fx.host), []);
  } finally {
    fx.cleanup();
  }
});

t('GC removes the IFBs of this network whose attachment is no longer valid, and no IFB it did not make', ({ bin }) => {
  const fx = new HostNsFixture();
  try {
    const [keep, stale] = [fx.netns(), fx.netns()];
    const egress = { egressRate: 8 * MBIT, egressBurst: 80_000 };
    for (const ns of [keep, stale]) {
      const r = fx.run(bin, 'bandwidth', { ...call(ns), command: 'ADD', config: bwConf(fx, ptpAdd(fx, bin, ns), egress) });
      assert.is(r.code, 0, r.stdout);
    }
    // An IFB by the reference's naming but made by someone else (no alias), and one of another network.
    const foreign = ifbNameOf(fx.name, 'made-by-the-reference');
    fx.host.execOk('ip', ['link', 'add', foreign, 'type', 'ifb']);
    const otherNet = fx.netns();
    const other = fx.run(bin, 'bandwidth', { ...call(otherNet), command: 'ADD', config: { ...bwConf(fx, ptpAdd(fx, bin, otherNet), egress), name: `${fx.name}-other` } });
    assert.is(other.code, 0, other.stdout);
    const [ifbKeep, ifbStale, ifbOther] = [ifbNameOf(fx.name, `c-${keep.name}`), ifbNameOf(fx.name, `c-${stale.name}`), ifbNameOf(`${fx.name}-other`, `c-${otherNet.name}`)];
    assert.equal(ifbs(fx.host).sort(), [ifbKeep, ifbStale, foreign, ifbOther].sort());

    const gc = fx.run(bin, 'bandwidth', { command: 'GC', config: { cniVersion: '1.1.0', name: fx.name, type: 'bandwidth', 'cni.dev/valid-attachments': [{ containerID: `c-${keep.name}`, ifname: 'eth0' }] } });
    assert.is(gc.code, 0, gc.stdout + gc.stderr);
    assert.equal(ifbs(fx.host).sort(), [ifbKeep, foreign, ifbOther].sort());
    const noList = fx.run(bin, 'bandwidth', { command: 'GC', config: { cniVersion: '1.1.0', name: fx.name, type: 'bandwidth' } });
    assert.is(noList.json?.code, 7, 'GC without the valid list is refused');
    assert.equal(ifbs(fx.host).length, 3);
  } finally {
    fx.cleanup();
  }
});

t('no child process on the plugin path: ADD, CHECK and DEL under strace -f see one execve, the plugin itself', ({ bin }) => {
  const fx = new HostNsFixture();
  const trace = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-bw-strace-'));
  try {
    const ns = fx.netns();
    const conf = bwConf(fx, ptpAdd(fx, bin, ns), SHAPE);
    for (const command of ['ADD', 'CHECK', 'DEL']) {
      const out = path.join(trace, command);
      const r = spawnSync('ip', ['netns', 'exec', fx.host.name, 'strace', '-f', '-qq', '-e', 'trace=execve,execveat', '-o', out, path.join(bin.dir, 'bandwidth')], {
        env: { PATH: process.env.PATH ?? '', CNI_COMMAND: command, CNI_PATH: bin.dir, ...Object.fromEntries(Object.entries(call(ns)).map(([k, v]) => [k === 'containerId' ? 'CNI_CONTAINERID' : k === 'netns' ? 'CNI_NETNS' : 'CNI_IFNAME', v])) },
        input: JSON.stringify(conf),
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.is(r.status, 0, `${command}: ${r.stdout}${r.stderr}`);
      const execs = fs.readFileSync(out, 'utf8').split('\n').filter((l) => /execve/.test(l));
      assert.is(execs.length, 1, `${command}: ${execs.join('\n')}`);
      assert.match(execs[0]!, /bandwidth/);
    }
  } finally {
    fx.cleanup();
    fs.rmSync(trace, { recursive: true, force: true });
  }
});

t(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

t.run();

