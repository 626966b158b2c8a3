/** loopback through dist/cni symlinks, every spec version, against the real kernel. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CniBinDir } from '../helpers/cni.js';
import { makeNetns, type TestNetns } from '../helpers/netns.js';
import { ipJson } from '../helpers/sh.js';
import { uniqueSuffix } from '../helpers/env.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'];
const t = suite<{ bin: CniBinDir }>('loopback');

t.before((ctx) => {
  ctx.bin = new CniBinDir();
});
t.after((ctx) => ctx.bin?.dispose());

function loUp(ns: TestNetns): boolean {
  const [lo] = ipJson<any[]>(['link', 'show', 'lo'], ns.name);
  return (lo.flags as string[]).includes('UP');
}

function expectedResult(version: string, sandbox: string): object {
  if (version === '0.1.0' || version === '0.2.0') {
    return { cniVersion: version, ip4: { ip: '127.0.0.1/8' }, ip6: { ip: '::1/128' }, dns: {} };
  }
  const legacy = version.startsWith('0.');
  return {
    cniVersion: version,
    interfaces: [{ name: 'lo', mac: '00:00:00:00:00:00', sandbox }],
    ips: [
      { ...(legacy ? { version: '4' } : {}), interface: 0, address: '127.0.0.1/8' },
      { ...(legacy ? { version: '6' } : {}), interface: 0, address: '::1/128' },
    ],
    dns: {},
  };
}

for (const version of VERSIONS) {
  t(`[${version}] ADD brings lo up and reports it; CHECK; DEL twice`, ({ bin }) => {
    const ns = makeNetns();
    try {
      const id = `lo-${uniqueSuffix()}`;
      const config = { cniVersion: version, name: 'lo-net', type: 'loopback' };
      assert.is(loUp(ns), false, 'a fresh netns has lo down');
      const add = bin.run('loopback', { command: 'ADD', containerId: id, netns: ns.path, ifName: 'eth0', config });
      assert.is(add.code, 0, add.stdout + add.stderr);
      assert.equal(add.json, expectedResult(version, ns.path));
      assert.is(loUp(ns), true, 'lo is up after ADD');
      // Key order matters to some consumers; ours follows the reference's struct order.
      assert.ok(add.stdout.trimStart().startsWith('{"cniVersion"'), add.stdout);

      if (version >= '0.4.0') {
        const check = bin.run('loopback', { command: 'CHECK', containerId: id, netns: ns.path, ifName: 'eth0', config: { ...config, prevResult: add.json } });
        assert.is(check.code, 0, check.stdout + check.stderr);
        assert.is(check.stdout, '');
      }
      for (let i = 0; i < 2; i++) {
        const del = bin.run('loopback', { command: 'DEL', containerId: id, netns: ns.path, ifName: 'eth0', config });
        assert.is(del.code, 0, `DEL #${i + 1}: ${del.stdout}${del.stderr}`);
        assert.is(del.stdout, '');
      }
      assert.is(loUp(ns), false, 'lo is down after DEL');
      if (version >= '0.4.0') {
        const check = bin.run('loopback', { command: 'CHECK', containerId: id, netns: ns.path, ifName: 'eth0', config: { ...config, prevResult: add.json } });
        assert.is.not(check.code, 0, 'CHECK fails once lo is down');
        assert.match(check.json?.msg ?? '', /loopback interface is down/);
      }
    } finally {
      ns.remove();
    }
  });
}

t('ADD passes a prevResult through', ({ bin }) => {
  const ns = makeNetns();
  try {
    const prevResult = { cniVersion: '1.0.0', interfaces: [{ name: 'eth0', sandbox: ns.path }], ips: [{ interface: 0, address: '10.9.0.2/24', gateway: '10.9.0.1' }], dns: {} };
    const config = { cniVersion: '1.0.0', name: 'chain', type: 'loopback', prevResult };
    const add = bin.run('loopback', { command: 'ADD', containerId: 'c1', netns: ns.path, ifName: 'eth0', config });
    assert.is(add.code, 0, add.stderr);
    assert.equal(add.json, prevResult);
  } finally {
    ns.remove();
  }
});

t('DEL succeeds without a netns and with a netns that no longer exists', ({ bin }) => {
  const config = { cniVersion: '1.1.0', name: 'lo-net', type: 'loopback' };
  const none = bin.run('loopback', { command: 'DEL', containerId: 'gone', ifName: 'eth0', config });
  assert.is(none.code, 0, none.stdout + none.stderr);
  const missing = bin.run('loopback', { command: 'DEL', containerId: 'gone', netns: `/run/netns/does-not-exist-${uniqueSuffix()}`, ifName: 'eth0', config });
  assert.is(missing.code, 0, missing.stdout + missing.stderr);
});

t('ADD into a missing netns fails with code 8 and changes nothing', ({ bin }) => {
  const r = bin.run('loopback', { command: 'ADD', containerId: 'x', netns: `/run/netns/missing-${uniqueSuffix()}`, ifName: 'eth0', config: { cniVersion: '1.1.0', name: 'n', type: 'loopback' } });
  assert.is.not(r.code, 0);
  assert.is(r.json.code, 8);
  assert.match(r.json.msg, /netns/);
});

t('bad input gets the right error code', ({ bin }) => {
  const ns = makeNetns();
  try {
    const base = { containerId: 'c', netns: ns.path, ifName: 'eth0' };
    const cases: [string, object, number, RegExp][] = [
      ['not JSON', { ...base, command: 'ADD', config: '{nope' }, 6, /decode|JSON|parse/i],
      ['no name', { ...base, command: 'ADD', config: { cniVersion: '1.0.0', type: 'loopback' } }, 7, /name/],
      ['unsupported version', { ...base, command: 'ADD', config: { cniVersion: '9.9.9', name: 'n', type: 'loopback' } }, 1, /incompatible CNI versions.*9\.9\.9/],
      ['unknown command', { ...base, command: 'FROB', config: { cniVersion: '1.0.0', name: 'n', type: 'loopback' } }, 4, /CNI_COMMAND/],
      ['missing CNI_CONTAINERID', { netns: ns.path, ifName: 'eth0', command: 'ADD', config: { cniVersion: '1.0.0', name: 'n', type: 'loopback' } }, 4, /CNI_CONTAINERID/],
      ['CHECK below 0.4.0', { ...base, command: 'CHECK', config: { cniVersion: '0.3.1', name: 'n', type: 'loopback' } }, 1, /CHECK/],
    ];
    for (const [label, call, code, msg] of cases) {
      const r = bin.run('loopback', call as any);
      assert.is.not(r.code, 0, `${label}: exit status`);
      assert.ok(r.json, `${label}: error JSON on stdout, got ${JSON.stringify(r.stdout)}`);
      assert.is(r.json.code, code, `${label}: ${JSON.stringify(r.json)}`);
      assert.match(`${r.json.msg} ${r.json.details ?? ''}`, msg, label);
    }
    const [lo] = ipJson<any[]>(['link', 'show', 'lo'], ns.name);
    assert.not.ok((lo.flags as string[]).includes('UP'), 'failed calls changed nothing');
  } finally {
    ns.remove();
  }
});

t('logs go to stderr (warn and up by default) and to CNI_LOG_FILE; never to stdout', ({ bin }) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-log-'));
  try {
    const file = path.join(dir, 'sub', 'cni.log');
    const call = { command: 'ADD', containerId: 'log', netns: `/run/netns/missing-${uniqueSuffix()}`, ifName: 'eth0', config: { cniVersion: '1.1.0', name: 'n', type: 'loopback' } };
    const quiet = bin.run('loopback', call);
    assert.is(quiet.stdout.trim().split('\n').length, 1, 'stdout is the error JSON alone');
    assert.is(quiet.json.code, 8);
    const warnLines = quiet.stderr.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.ok(warnLines.some((l) => l.level >= 40 && /netns/.test(l.msg)), `a warning on stderr: ${quiet.stderr}`);

    const loud = bin.run('loopback', { ...call, env: { CNI_LOG_LEVEL: 'debug', CNI_LOG_FILE: file } });
    assert.is(loud.json.code, 8);
    const fileLines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    assert.ok(fileLines.length >= 1, 'the log file has JSON lines');
    assert.ok(fileLines.every((l) => l.plugin === 'loopback' && l.command === 'ADD' && l.containerId === 'log'), JSON.stringify(fileLines));
    assert.ok(fileLines.some((l) => /netns/.test(l.msg)));

    const silent = bin.run('loopback', { ...call, env: { CNI_LOG_LEVEL: 'silent' } });
    assert.is(silent.stderr, '', 'silent means nothing on stderr');
    assert.is(silent.json.code, 8);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

t('VERSION answers every spec version', ({ bin }) => {
  const r = bin.run('loopback', { command: 'VERSION', config: { cniVersion: '1.1.0' } });
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.json, { cniVersion: '1.1.0', supportedVersions: VERSIONS });
});

t.run();
