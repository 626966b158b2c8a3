/**
 * `cni exec` runs our own plugins in-process (no plugin process at all, checked with strace), and
 * gives exactly what a runtime running them as processes gets (`--no-in-process`,
 * CNI_IN_PROCESS=0): the same results, errors, exit codes, log records and result cache. `cni`
 * runs under `ip netns exec` in a private host namespace; the last test checks the real host.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { CNI_BINARY, uniqueSuffix } from '../helpers/env.js';
import { CniBinDir } from '../helpers/cni.js';
import { makeNetns, type TestNetns } from '../helpers/netns.js';
import { uniqueSubnets } from '../helpers/bridge.js';
import { makeHostNetns, RealHostGuard } from '../helpers/hostns.js';

const realHost = new RealHostGuard();
test.before(() => realHost.take());

type Mode = 'in-process' | '--no-in-process' | 'CNI_IN_PROCESS=0';
const MODES: Mode[] = ['in-process', '--no-in-process', 'CNI_IN_PROCESS=0'];

interface World {
  host: TestNetns;
  bin: CniBinDir;
  tmp: string;
  confDir: string;
  cacheDir: string;
  name: string;
  cleanup(): void;
}

function world(subnet?: string): World {
  const bin = new CniBinDir();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-inproc-'));
  const confDir = path.join(tmp, 'net.d');
  fs.mkdirSync(confDir);
  const suffix = uniqueSuffix();
  const name = `inproc-${suffix}`;
  const net = uniqueSubnets();
  const plugins: object[] = [{ type: 'bridge', bridge: `cnip-${suffix}`, isGateway: true, ipam: { type: 'host-local', dataDir: path.join(tmp, 'ipam'), ranges: [[{ subnet: subnet ?? net.v4 }]] } }, { type: 'loopback' }];
  fs.writeFileSync(path.join(confDir, '10-inproc.conflist'), JSON.stringify({ cniVersion: '1.0.0', name, plugins }));
  const host = makeHostNetns('cniph');
  return {
    host, bin, tmp, confDir, cacheDir: path.join(tmp, 'cache'), name,
    cleanup() {
      host.remove();
      bin.dispose();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** Plugin executables started (execve of a file in the plugin directory). */
  pluginExecs: string[];
}

/** `cni exec ...` in the world's host netns under strace, which records every execve. */
function cniExec(w: World, mode: Mode, args: string[], env: Record<string, string> = {}): Run {
  const trace = path.join(w.tmp, `strace-${uniqueSuffix()}`);
  const modeArgs = mode === '--no-in-process' ? ['--no-in-process'] : [];
  const modeEnv = mode === 'CNI_IN_PROCESS=0' ? { CNI_IN_PROCESS: '0' } : {};
  const r = spawnSync('ip', ['netns', 'exec', w.host.name, 'strace', '-f', '-qq', '-e', 'trace=execve', '-o', trace, CNI_BINARY, 'exec', ...args, ...modeArgs], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NETCONFPATH: w.confDir, CNI_PATH: w.bin.dir, ...modeEnv, ...env },
    timeout: 120_000,
  });
  const execs = fs.readFileSync(trace, 'utf8').split('\n').filter((l) => l.includes(`execve("${w.bin.dir}/`)).map((l) => /execve\("([^"]+)"/.exec(l)![1]!);
  fs.rmSync(trace, { force: true });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, pluginExecs: execs.map((f) => path.basename(f)) };
}

/** A result with what differs between two attachments (addresses, MACs, sandbox, host veth name) masked. */
function shape(json: any): any {
  return JSON.parse(JSON.stringify(json), (k, v) => (['mac', 'address', 'sandbox', 'gateway', 'netns'].includes(k) || (k === 'name' && /^veth/.test(v)) ? typeof v : v));
}

/** Log records without what differs run to run (time, pid). */
function logRecords(file: string): object[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => {
    const { time: _t, pid: _p, hostname: _h, ...rest } = JSON.parse(l) as Record<string, unknown>;
    if (Array.isArray(rest.ips)) rest.ips = rest.ips.length; // each mode's attachment got the next address
    return rest;
  });
}

test('in-process by default: no plugin process; --no-in-process and CNI_IN_PROCESS=0 start each plugin; same results, cache and logs', () => {
  const w = world();
  const namespaces: TestNetns[] = [];
  try {
    const got: Record<string, { add: any; cache: any; logs: object[]; execs: string[]; delExecs: string[] }> = {};
    for (const mode of MODES) {
      const ns = makeNetns('cnip');
      namespaces.push(ns);
      const logFile = path.join(w.tmp, `log-${mode.replace(/\W/g, '')}`);
      const env = { CNI_LOG_LEVEL: 'debug', CNI_LOG_FILE: logFile };
      const opts = ['--cache-dir', w.cacheDir, '--container-id', 'same-id'];
      const add = cniExec(w, mode, ['add', w.name, ns.path, '--json', ...opts], env);
      assert.is(add.code, 0, `${mode}: ${add.stderr}`);
      const cache = JSON.parse(fs.readFileSync(path.join(w.cacheDir, 'results', `${w.name}-same-id-eth0`), 'utf8'));
      const check = cniExec(w, mode, ['check', w.name, ns.path, ...opts], env);
      assert.is(check.code, 0, `${mode} check: ${check.stderr}`);
      const del = cniExec(w, mode, ['del', w.name, ns.path, ...opts], env);
      assert.is(del.code, 0, `${mode} del: ${del.stderr}`);
      assert.not.ok(fs.existsSync(path.join(w.cacheDir, 'results', `${w.name}-same-id-eth0`)), `${mode}: cache removed by DEL`);
      got[mode] = { add: JSON.parse(add.stdout), cache, logs: logRecords(logFile), execs: add.pluginExecs, delExecs: del.pluginExecs };
    }
    const base = got['in-process']!;
    assert.equal(base.execs, [], 'in-process ADD starts no plugin process');
    assert.equal(base.delExecs, [], 'in-process DEL starts no plugin process');
    assert.ok(base.logs.length > 0, 'debug logs were written');
    for (const mode of MODES.slice(1)) {
      const g = got[mode]!;
      // The runtime VERSIONs nothing here; ADD runs bridge (host-local in-process inside it) and loopback.
      assert.equal(g.execs, ['bridge', 'loopback'], `${mode}: each plugin of the chain is a process`);
      assert.equal(g.delExecs, ['loopback', 'bridge'], `${mode}: DEL runs the chain in reverse`);
      assert.equal(shape(g.add), shape(base.add), `${mode}: same result`);
      assert.equal(shape(g.cache), shape(base.cache), `${mode}: same cache entry`);
      assert.equal(g.logs, base.logs, `${mode}: same log records`);
    }
  } finally {
    for (const ns of namespaces) ns.remove();
    w.cleanup();
  }
});

test('a failing plugin: the same error, code and exit status in-process as from a process', () => {
  // host-local, delegated by bridge, rejects the range: the error crosses two plugins.
  const w = world('10.1.2.3/40');
  const ns = makeNetns('cnip');
  try {
    const outs = MODES.map((mode) => cniExec(w, mode, ['add', w.name, ns.path, '--cache-dir', w.cacheDir, '--container-id', 'fails']));
    for (const [i, o] of outs.entries()) {
      assert.is.not(o.code, 0, `${MODES[i]}: must fail`);
      assert.match(o.stderr, /CNI error code/, `${MODES[i]}: ${o.stderr}`);
    }
    assert.ok(outs[0]!.stderr.length > 0);
    for (const o of outs.slice(1)) assert.is(o.stderr, outs[0]!.stderr, 'identical error text');
    assert.equal(outs[0]!.pluginExecs, []);
    assert.equal(outs[1]!.pluginExecs, ['bridge']);
    const links = spawnSync('ip', ['-n', ns.name, '-o', 'link', 'show'], { encoding: 'utf8' }).stdout;
    assert.not.match(links, /eth0/, 'the failed ADD made nothing in the container');
  } finally {
    ns.remove();
    w.cleanup();
  }
});

test(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

test.run();
