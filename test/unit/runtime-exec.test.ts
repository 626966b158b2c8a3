/** The runtime library against real plugin processes: tiny shell scripts in a temp CNI_PATH. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, symlinkSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import {
  CNIConfig, findCniError, findInPath, networkConfFromBytes, PluginExecError, PluginFailedError, RawExec, type RunProcess,
} from '../../src/runtime/index.js';
import { cleanup, readCalls, tempDir, writePlugin, writeResultPlugin } from '../fixtures/runtime/helpers.js';

const R1 = '{"cniVersion":"1.0.0","interfaces":[{"name":"br0"}],"ips":[{"address":"10.1.0.2/24","gateway":"10.1.0.1"}],"dns":{}}';

const listOf = (version: string, ...types: string[]) =>
  networkConfFromBytes(Buffer.from(JSON.stringify({ cniVersion: version, name: 'testnet', plugins: types.map((type) => ({ type, capabilities: { mac: true } })) })));
const rt = { containerId: 'ctr1', netns: '/run/netns/t', ifName: 'eth0', args: [['IgnoreUnknown', '1'], ['K', 'V']] as [string, string][], capabilityArgs: { mac: 'aa:bb:cc:dd:ee:ff', other: 1 } };

function setup() {
  const bin = tempDir('bin');
  const cache = tempDir('cache');
  const quiet = new RawExec({ stderr: null });
  const cni = new CNIConfig({ path: ['/nonexistent-dir', bin], cacheDir: cache, exec: quiet, env: { ...process.env, FROM_PARENT: 'yes' } });
  return { bin, cache, cni, done: () => cleanup(bin, cache) };
}

test('ADD runs plugins in order with env, capabilities and the previous result; DEL runs them in reverse', async () => {
  const s = setup();
  try {
    writeResultPlugin(s.bin, 'first', R1);
    // Names its container interface after an inherited variable, to show the env is passed on.
    writePlugin(s.bin, 'second', `[ "$CNI_COMMAND" = ADD ] && printf '{"cniVersion":"1.0.0","interfaces":[{"name":"br0"},{"name":"%s","sandbox":"/run/netns/t"}],"ips":[{"interface":1,"address":"10.1.0.2/24","gateway":"10.1.0.1"}],"dns":{}}' "$FROM_PARENT"
exit 0`);
    const list = listOf('1.0.0', 'first', 'second');
    const added = await s.cni.addNetworkList(list, rt);
    assert.is(added.cniVersion, '1.0.0');
    assert.equal(added.result.interfaces!.map((i) => i.name), ['br0', 'yes'], 'inherited env reaches the plugin');

    const [c1, c2] = readCalls(s.bin);
    assert.equal([c1!.plugin, c1!.command, c2!.plugin, c2!.command], ['first', 'ADD', 'second', 'ADD']);
    assert.equal([c1!.containerId, c1!.netns, c1!.ifName, c1!.args, c1!.path], ['ctr1', '/run/netns/t', 'eth0', 'IgnoreUnknown=1;K=V', `/nonexistent-dir:${s.bin}`]);
    assert.not.ok('prevResult' in c1!.stdin);
    assert.equal(c1!.stdin.runtimeConfig, { mac: 'aa:bb:cc:dd:ee:ff' });
    assert.is(c1!.stdin.name, 'testnet');
    assert.is(c1!.stdin.cniVersion, '1.0.0');
    assert.equal(c2!.stdin.prevResult, JSON.parse(R1));
    assert.ok(existsSync(path.join(s.cache, 'results', 'testnet-ctr1-eth0')));

    await s.cni.checkNetworkList(list, rt);
    await s.cni.delNetworkList(list, rt);
    const calls = readCalls(s.bin).slice(2);
    assert.equal(calls.map((c) => `${c.plugin}:${c.command}`), ['first:CHECK', 'second:CHECK', 'second:DEL', 'first:DEL']);
    for (const c of calls) assert.equal((c.stdin.prevResult as { interfaces: unknown[] }).interfaces.length, 2, 'cached result is the prevResult');
    assert.not.ok(existsSync(path.join(s.cache, 'results', 'testnet-ctr1-eth0')), 'cache removed after DEL');
  } finally {
    s.done();
  }
});

test('a plugin error carries its code, msg and details; the list error names the plugin', async () => {
  const s = setup();
  try {
    writeResultPlugin(s.bin, 'first', R1);
    writePlugin(s.bin, 'bad', `printf '%s' '{"cniVersion":"1.0.0","code":7,"msg":"bad config","details":"field x"}'; exit 1`);
    try {
      await s.cni.addNetworkList(listOf('1.0.0', 'first', 'bad'), rt);
      assert.unreachable();
    } catch (err) {
      assert.instance(err, PluginFailedError);
      assert.is((err as Error).message, 'plugin type="bad" failed (add): bad config; field x');
      const cni = findCniError(err);
      assert.instance(cni, PluginExecError);
      assert.equal([cni!.code, cni!.message, cni!.details], [7, 'bad config', 'field x']);
    }
    assert.not.ok(existsSync(path.join(s.cache, 'results', 'testnet-ctr1-eth0')), 'no cache after a failed ADD');
  } finally {
    s.done();
  }
});

test('failures without a JSON error: stderr text, nothing at all, or unparsable stdout', async () => {
  const s = setup();
  try {
    writePlugin(s.bin, 'stderr', `echo oops >&2; exit 2`);
    writePlugin(s.bin, 'silent', `exit 3`);
    writePlugin(s.bin, 'garbage', `echo 'not json'; exit 1`);
    const msg = async (type: string) => s.cni.addNetworkList(listOf('1.0.0', type), rt).then(() => '', (e: Error) => e.message);
    assert.is(await msg('stderr'), 'plugin type="stderr" failed (add): netplugin failed: "oops\\n": exit status 2');
    assert.is(await msg('silent'), 'plugin type="silent" failed (add): netplugin failed with no error message: exit status 3');
    assert.match(await msg('garbage'), 'plugin type="garbage" failed (add): netplugin failed but error parsing its diagnostic message "not json\\n": ');
    assert.match(await msg('missing'), `plugin type="missing" failed (add): failed to find plugin "missing" in path [/nonexistent-dir ${s.bin}]`);
  } finally {
    s.done();
  }
});

test('DEL failure keeps the cache so DEL can be retried', async () => {
  const s = setup();
  try {
    writeResultPlugin(s.bin, 'first', R1);
    writePlugin(s.bin, 'flaky', `[ "$CNI_COMMAND" = DEL ] && [ ! -e '${s.bin}/ok' ] && { printf '%s' '{"code":11,"msg":"try again"}'; exit 1; }
[ "$CNI_COMMAND" = ADD ] && printf '%s' '${R1}'
exit 0`);
    const list = listOf('1.0.0', 'first', 'flaky');
    await s.cni.addNetworkList(list, rt);
    await s.cni.delNetworkList(list, rt).then(() => assert.unreachable(), (e: Error) => {
      assert.is(e.message, 'plugin type="flaky" failed (delete): try again');
      assert.is(findCniError(e)!.code, 11);
    });
    assert.ok(existsSync(path.join(s.cache, 'results', 'testnet-ctr1-eth0')));
    closeSync(openSync(path.join(s.bin, 'ok'), 'w'));
    await s.cni.delNetworkList(list, rt);
    const dels = readCalls(s.bin).filter((c) => c.command === 'DEL');
    assert.equal(dels.map((c) => c.plugin), ['flaky', 'flaky', 'first']);
    assert.ok(dels.every((c) => c.stdin.prevResult !== undefined), 'the retried DEL still had the prevResult');
    assert.not.ok(existsSync(path.join(s.cache, 'results', 'testnet-ctr1-eth0')));
  } finally {
    s.done();
  }
});

test('findInPath: first regular file after following symlinks; no path separators', async () => {
  const a = tempDir('find-a');
  const b = tempDir('find-b');
  try {
    mkdirSync(path.join(a, 'plug')); // a directory is not a plugin
    writePlugin(b, 'real', 'exit 0');
    symlinkSync(path.join(b, 'real'), path.join(b, 'plug'));
    symlinkSync(path.join(b, 'nowhere'), path.join(a, 'dangling'));
    assert.is(await findInPath('plug', [a, b]), path.join(b, 'plug'));
    await findInPath('dangling', [a]).then(() => assert.unreachable(), (e: Error) => assert.is(e.message, `failed to find plugin "dangling" in path [${a}]`));
    await findInPath('../bin/sh', [a]).then(() => assert.unreachable(), (e: Error) => assert.is(e.message, 'invalid plugin name: ../bin/sh'));
    await findInPath('', [a]).then(() => assert.unreachable(), (e: Error) => assert.is(e.message, 'no plugin name provided'));
    await findInPath('x', []).then(() => assert.unreachable(), (e: Error) => assert.is(e.message, 'no paths provided'));
  } finally {
    cleanup(a, b);
  }
});

test('text file busy: the plugin binary being written is retried until it can run', async () => {
  const dir = tempDir('txtbsy');
  try {
    const file = path.join(dir, 'busy');
    const fd = openSync(file, 'w', 0o755);
    writeSync(fd, '#!/bin/sh\nprintf ok\n');
    chmodSync(file, 0o755);
    setTimeout(() => closeSync(fd), 150); // the "upgrade" finishes while the runtime waits
    const out = await new RawExec({ retryDelayMs: 100, stderr: null }).execPlugin(file, Buffer.from('{}'), {});
    assert.is(out.toString(), 'ok');
  } finally {
    cleanup(dir);
  }
});

test('text file busy: retried 5 times, then reported (injected runner)', async () => {
  const busy = Object.assign(new Error('spawn x ETXTBSY'), { code: 'ETXTBSY' });
  let attempts = 0;
  const failTwice: RunProcess = async () => {
    if (++attempts <= 2) throw busy;
    return { stdout: Buffer.from('done'), stderr: Buffer.alloc(0), status: 0, signal: null };
  };
  assert.is((await new RawExec({ run: failTwice, retryDelayMs: 1 }).execPlugin('/x', Buffer.alloc(0), {})).toString(), 'done');
  assert.is(attempts, 3);
  attempts = 0;
  const alwaysBusy: RunProcess = async () => {
    attempts++;
    throw busy;
  };
  await new RawExec({ run: alwaysBusy, retryDelayMs: 1 }).execPlugin('/x', Buffer.alloc(0), {}).then(
    () => assert.unreachable(),
    (e: Error) => {
      assert.instance(e, PluginExecError);
      assert.match(e.message, 'ETXTBSY');
    },
  );
  assert.is(attempts, 6);
});

test('VERSION: normal answer, and the 0.1.0 and 0.2.0 fallbacks', async () => {
  const s = setup();
  try {
    writePlugin(s.bin, 'modern', `printf '%s' '{"cniVersion":"1.1.0","supportedVersions":["0.4.0","1.0.0","1.1.0"]}'`);
    writePlugin(s.bin, 'ancient', `printf '%s' '{"code":4,"msg":"unknown CNI_COMMAND: VERSION"}'; exit 1`);
    writePlugin(s.bin, 'old', `printf '%s' '{"cniVersion":"0.2.0"}'`);
    writePlugin(s.bin, 'broken', `printf '%s' '{"cniVersion":"0.3.1"}'`);
    assert.equal(await s.cni.getVersionInfo('modern'), { cniVersion: '1.1.0', supportedVersions: ['0.4.0', '1.0.0', '1.1.0'] });
    assert.equal((await s.cni.getVersionInfo('ancient')).supportedVersions, ['0.1.0']);
    assert.equal((await s.cni.getVersionInfo('old')).supportedVersions, ['0.1.0', '0.2.0']);
    await s.cni.getVersionInfo('broken').then(() => assert.unreachable(), (e: Error) => assert.is(e.message, 'decoding version info: missing field supportedVersions'));
    const call = readCalls(s.bin)[0]!;
    assert.equal([call.command, call.containerId, call.netns, call.ifName, call.path], ['VERSION', '', 'dummy', 'dummy', 'dummy']);
    assert.equal(call.stdin, { cniVersion: '1.1.0' });
  } finally {
    s.done();
  }
});

test('validateNetworkList: every plugin must exist and support the version; capabilities returned', async () => {
  const s = setup();
  try {
    writeResultPlugin(s.bin, 'first', R1);
    writeResultPlugin(s.bin, 'old', R1, '["0.3.1"]');
    assert.equal(await s.cni.validateNetworkList(listOf('1.0.0', 'first')), ['mac']);
    await s.cni.validateNetworkList(listOf('1.0.0', 'first', 'old', 'missing')).then(() => assert.unreachable(), (e: AggregateError) => {
      assert.is(e.errors.length, 2);
      assert.match(e.message, 'plugin old does not support config version "1.0.0"');
      assert.match(e.message, 'failed to find plugin "missing"');
    });
  } finally {
    s.done();
  }
});

test.run();
