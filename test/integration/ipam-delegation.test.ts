/**
 * IPAM delegation: when host-local in CNI_PATH is this same executable, bridge runs it in-process
 * instead of exec'ing it; the outcome must be what exec'ing it gives: same result, same errors,
 * same log lines on stderr. Both sides run in private "host" namespaces; the last test checks that
 * the real host was left alone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CNI_BINARY } from '../helpers/env.js';
import { CniBinDir, type PluginCall } from '../helpers/cni.js';
import { Fixture } from '../helpers/bridge.js';
import { RealHostGuard } from '../helpers/hostns.js';

const realHost = new RealHostGuard();
test.before(() => realHost.take());

/** A CNI_PATH whose host-local is a script exec'ing the binary: the delegate is a separate process. */
function execPathDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-bin-exec-'));
  fs.symlinkSync(CNI_BINARY, path.join(dir, 'bridge'));
  fs.writeFileSync(path.join(dir, 'host-local'), `#!/bin/bash\nexec -a host-local ${CNI_BINARY} "$@"\n`, { mode: 0o755 });
  return dir;
}

/** pino lines without what differs between any two processes. */
function logLines(stderr: string): object[] {
  return stderr
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const { pid: _pid, time: _time, hostname: _host, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return rest;
    });
}

test('in-process and exec\'d host-local give the same result and the same errors', () => {
  const inProcess = new CniBinDir();
  const execDir = execPathDir();
  const f1 = new Fixture({ hostNetns: true });
  const f2 = new Fixture({ hostNetns: true });
  try {
    const sides = [
      { run: (call: PluginCall) => f1.run(inProcess, 'bridge', call), f: f1 },
      { run: (call: PluginCall) => f2.run(new CniBinDir(execDir), 'bridge', call), f: f2 },
    ];
    const outcomes = sides.map(({ run, f }) => {
      const ns = f.netns();
      // Same subnet on both sides: separate bridges and dataDirs, so both allocate the same address.
      const config = { cniVersion: '1.1.0', name: 'deleg', type: 'bridge', bridge: f.bridge, isGateway: true, ipam: { type: 'host-local', dataDir: f.dataDir, ranges: [[{ subnet: '10.199.77.0/24' }]], routes: [{ dst: '10.199.0.0/16' }] } };
      const env = { CNI_LOG_LEVEL: 'debug' };
      const ok = run({ command: 'ADD', containerId: 'deleg', netns: ns.path, ifName: 'eth0', config, env });
      const bad = run({ command: 'ADD', containerId: 'deleg2', netns: ns.path, ifName: 'eth1', env, config: { ...config, ipam: { ...config.ipam, ranges: [[{ subnet: '10.199.77.0/24', rangeStart: '10.1.1.1' }]] } } });
      const del = run({ command: 'DEL', containerId: 'deleg', netns: ns.path, ifName: 'eth0', config, env });
      return { ok, bad, del };
    });
    const [a, b] = outcomes as [(typeof outcomes)[0], (typeof outcomes)[0]];
    assert.is(a.ok.code, 0, a.ok.stdout + a.ok.stderr);
    assert.is(b.ok.code, 0, b.ok.stdout + b.ok.stderr);
    assert.equal(a.ok.json.ips, b.ok.json.ips);
    assert.equal(a.ok.json.routes, b.ok.json.routes);
    assert.equal(a.ok.json.dns, b.ok.json.dns);
    assert.is.not(a.bad.code, 0);
    assert.equal(a.bad.json, b.bad.json, 'identical error JSON');
    assert.match(a.bad.json.msg, /RangeStart 10\.1\.1\.1 not in network/);
    assert.is(a.bad.json.details, 'field ipam.ranges[0][0].rangeStart');
    // The two paths really were different: in-process on one side, a separate process on the other.
    const delegating = (s: string) => logLines(s).find((l) => (l as { msg?: string }).msg === 'delegating') as { inProcess?: boolean } | undefined;
    assert.is(delegating(a.ok.stderr)?.inProcess, true, a.ok.stderr);
    assert.is(delegating(b.ok.stderr)?.inProcess, false, b.ok.stderr);
    assert.is(a.del.code, 0);
    assert.is(b.del.code, 0);
    // The delegate's own log lines (plugin: host-local) are the same either way.
    const ipamLines = (s: string) => logLines(s).filter((l) => (l as { plugin?: string }).plugin === 'host-local');
    assert.ok(ipamLines(a.ok.stderr).length > 0, `host-local logged something at debug: ${a.ok.stderr}`);
    assert.equal(ipamLines(a.ok.stderr), ipamLines(b.ok.stderr));
    // A bad IPAM section: when host-local is this executable, bridge finds it before making anything
    // (preflight, in bridge's own process: no host-local line); an exec'd host-local reports it itself.
    assert.equal(ipamLines(a.bad.stderr), [], a.bad.stderr);
    assert.ok(ipamLines(b.bad.stderr).length > 0, b.bad.stderr);
  } finally {
    f1.cleanup();
    f2.cleanup();
    inProcess.dispose();
    fs.rmSync(execDir, { recursive: true, force: true });
  }
});

test(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

test.run();
