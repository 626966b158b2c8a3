/** List operations with a fake Exec: cache handling, verbs gated by version, GC and STATUS. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  CheckNotSupportedError, CNIConfig, findCniError, MultiError, networkConfFromBytes, pluginConfFromBytes, ResultCache, type RuntimeConf,
} from '../../src/runtime/index.js';
import { FakeExec, cleanup, tempDir } from '../fixtures/runtime/helpers.js';

const RESULT_100 = '{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/run/netns/t"}],"ips":[{"interface":0,"address":"10.1.0.2/24","gateway":"10.1.0.1"}],"dns":{}}';
const listOf = (version: string, extra: Record<string, unknown> = {}, ...types: string[]) =>
  networkConfFromBytes(Buffer.from(JSON.stringify({ cniVersion: version, name: 'testnet', ...extra, plugins: (types.length ? types : ['a', 'b']).map((type) => ({ type, capabilities: { mac: true } })) })));
const rt = (containerId = 'ctr1', ifName = 'eth0'): RuntimeConf => ({ containerId, netns: `/run/netns/${containerId}`, ifName });
const answerAdd = (c: { command: string }) => (c.command === 'ADD' ? RESULT_100 : undefined);

function setup(handler: ConstructorParameters<typeof FakeExec>[0] = answerAdd, missing: string[] = []) {
  const dir = tempDir('ops');
  const exec = new FakeExec(handler, missing);
  const cni = new CNIConfig({ path: ['/opt/cni/bin'], cacheDir: dir, exec, env: {} });
  const cacheFile = (id = 'ctr1', ifName = 'eth0', net = 'testnet') => path.join(dir, 'results', `${net}-${id}-${ifName}`);
  return { dir, exec, cni, cacheFile, done: () => cleanup(dir) };
}

test('an empty or corrupt cache file does not block DEL: it is removed and DEL runs without prevResult', async () => {
  for (const content of ['', '{"kind":"cniCacheV1","result":', '{"kind":"cniCacheV1","result":{"cniVersion":"1.0.0","ips":[{"address":"bogus"}]}}']) {
    const s = setup();
    try {
      mkdirSync(path.join(s.dir, 'results'), { recursive: true });
      writeFileSync(s.cacheFile(), content);
      await s.cni.delNetworkList(listOf('1.0.0'), rt());
      assert.equal(s.exec.calls.map((c) => `${c.plugin}:${c.command}`), ['b:DEL', 'a:DEL']);
      assert.ok(s.exec.calls.every((c) => !('prevResult' in c.stdin)));
      assert.not.ok(existsSync(s.cacheFile()));
    } finally {
      s.done();
    }
  }
});

test('DEL without any cache succeeds; DEL of a pre-0.4.0 list sends no prevResult but still clears the cache', async () => {
  const s = setup();
  try {
    await s.cni.delNetworkList(listOf('1.0.0'), rt());
    await s.cni.addNetworkList(listOf('0.3.1'), rt());
    s.exec.calls.length = 0;
    await s.cni.delNetworkList(listOf('0.3.1'), rt());
    assert.ok(s.exec.calls.every((c) => !('prevResult' in c.stdin)));
    assert.not.ok(existsSync(s.cacheFile()));
  } finally {
    s.done();
  }
});

test('the cached result is converted to the list\'s current version for CHECK and DEL', async () => {
  const s = setup();
  try {
    await s.cni.addNetworkList(listOf('1.0.0'), rt());
    const now040 = listOf('0.4.0');
    const cached = await s.cni.getNetworkListCachedResult(now040, rt());
    assert.is(cached!.cniVersion, '0.4.0');
    s.exec.calls.length = 0;
    await s.cni.checkNetworkList(now040, rt());
    const prev = s.exec.calls[0]!.stdin.prevResult as { cniVersion: string; ips: { version: string }[] };
    assert.is(prev.cniVersion, '0.4.0');
    assert.is(prev.ips[0]!.version, '4');
  } finally {
    s.done();
  }
});

test('CHECK: refused before 0.4.0, skipped with disableCheck', async () => {
  const s = setup();
  try {
    await s.cni.checkNetworkList(listOf('0.3.1'), rt()).then(() => assert.unreachable(), (e: Error) => {
      assert.instance(e, CheckNotSupportedError);
      assert.is(e.message, 'configuration version "0.3.1" does not support the CHECK command');
    });
    await s.cni.checkNetworkList(listOf('1.0.0', { disableCheck: 'true' }), rt());
    assert.is(s.exec.calls.length, 0);
  } finally {
    s.done();
  }
});

test('ADD checks the container ID, network name and interface name (with CNI codes)', async () => {
  const s = setup();
  try {
    const code = (p: Promise<unknown>) => p.then(() => -1, (e) => findCniError(e)?.code);
    assert.is(await code(s.cni.addNetworkList(listOf('1.0.0'), { ...rt(), containerId: 'bad/id' })), 4);
    assert.is(await code(s.cni.addNetworkList(listOf('1.0.0'), { ...rt(), containerId: '' })), 3);
    assert.is(await code(s.cni.addNetworkList(listOf('1.0.0'), { ...rt(), ifName: 'waytoolonginterface' })), 4);
    assert.is(await code(s.cni.addNetworkList(networkConfFromBytes(Buffer.from('{"name":"bad name","plugins":[{"type":"a"}]}')), rt())), 7);
    assert.is(s.exec.calls.length, 0);
  } finally {
    s.done();
  }
});

test('single-network forms: cache holds the plugin config bytes', async () => {
  const s = setup();
  try {
    const net = pluginConfFromBytes(Buffer.from('{"cniVersion":"1.0.0","name":"solo","type":"ptp"}'));
    await s.cni.addNetwork(net, rt());
    const conf = await s.cni.cache.readConfig('solo', rt());
    assert.is(conf!.config.toString(), '{"cniVersion":"1.0.0","name":"solo","type":"ptp"}');
    await s.cni.checkNetwork(net, rt());
    await s.cni.delNetwork(net, rt());
    assert.equal(s.exec.calls.map((c) => c.command), ['ADD', 'CHECK', 'DEL']);
    assert.ok(s.exec.calls[2]!.stdin.prevResult);
    assert.not.ok(existsSync(s.cacheFile('ctr1', 'eth0', 'solo')));
  } finally {
    s.done();
  }
});

test('GC: stale attachments of this network are DELed with their cached netns/args; then GC to every plugin', async () => {
  const s = setup();
  try {
    const list = listOf('1.1.0');
    await s.cni.addNetworkList(list, rt('keep'));
    await s.cni.addNetworkList(list, { ...rt('stale'), ifName: 'net1', args: [['K', 'V']], capabilityArgs: { mac: 'aa' } });
    await s.cni.addNetworkList({ ...list, name: 'othernet' }, rt('other'));
    s.exec.calls.length = 0;

    await s.cni.gcNetworkList(list, { validAttachments: [{ containerID: 'keep', ifname: 'eth0' }] });
    const calls = s.exec.calls.map((c) => `${c.plugin}:${c.command}:${c.env.CNI_CONTAINERID}`);
    assert.equal(calls, ['b:DEL:stale', 'a:DEL:stale', 'a:GC:', 'b:GC:']);
    const del = s.exec.calls[0]!;
    assert.equal([del.env.CNI_NETNS, del.env.CNI_IFNAME, del.env.CNI_ARGS], ['/run/netns/stale', 'net1', 'K=V']);
    assert.equal(del.stdin.runtimeConfig, { mac: 'aa' });
    const gc = s.exec.calls[2]!;
    assert.equal(gc.stdin['cni.dev/valid-attachments'], [{ containerID: 'keep', ifname: 'eth0' }]);
    assert.equal(gc.stdin['cni.dev/attachments'], [{ containerID: 'keep', ifname: 'eth0' }]);
    assert.equal([gc.env.CNI_NETNS, gc.env.CNI_IFNAME, gc.env.CNI_PATH], ['', '', '/opt/cni/bin']);
    assert.ok(existsSync(s.cacheFile('keep')));
    assert.not.ok(existsSync(s.cacheFile('stale', 'net1')));
    assert.ok(existsSync(s.cacheFile('other', 'eth0', 'othernet')));
  } finally {
    s.done();
  }
});

test('GC: every failure is collected and the rest still runs; no GC verb before 1.1.0; nothing with disableGC', async () => {
  const failing = new FakeExec((c) => {
    if (c.command === 'ADD') return RESULT_100;
    if (c.command === 'DEL' && c.env.CNI_CONTAINERID === 'x1') throw new Error('del broke');
    if (c.command === 'GC' && c.plugin === 'a') throw new Error('gc broke');
    return undefined;
  });
  const dir = tempDir('ops');
  try {
    const cni = new CNIConfig({ path: ['/p'], cacheDir: dir, exec: failing, env: {} });
    const list = listOf('1.1.0');
    for (const id of ['x1', 'x2']) await cni.addNetworkList(list, rt(id));
    failing.calls.length = 0;
    const err = await cni.gcNetworkList(list, { validAttachments: [] }).then(() => undefined, (e: unknown) => e);
    assert.instance(err, MultiError);
    assert.equal((err as MultiError).errors.map((e: Error) => e.message), [
      'failed to delete stale attachment x1 eth0: plugin type="b" failed (delete): del broke',
      'failed to GC plugin type="a": gc broke',
    ]);
    assert.equal(failing.calls.map((c) => `${c.plugin}:${c.command}:${c.env.CNI_CONTAINERID}`), ['b:DEL:x1', 'b:DEL:x2', 'a:DEL:x2', 'a:GC:', 'b:GC:']);

    failing.calls.length = 0;
    await cni.gcNetworkList({ ...list, disableGC: true }, { validAttachments: [] });
    assert.is(failing.calls.length, 0);
    await cni.gcNetworkList({ ...list, cniVersion: '1.0.0' }, { validAttachments: [{ containerID: 'x1', ifname: 'eth0' }] });
    assert.is(failing.calls.length, 0, 'x1 is valid; 1.0.0 has no GC verb');
  } finally {
    cleanup(dir);
  }
});

test('STATUS: nothing before 1.1.0; plugins in order, stopping at the first not ready', async () => {
  const s = setup((c) => {
    if (c.command === 'STATUS' && c.plugin === 'b') throw new Error('not ready');
    return undefined;
  });
  try {
    await s.cni.getStatusNetworkList(listOf('1.0.0', {}, 'a', 'b', 'c'));
    assert.is(s.exec.calls.length, 0);
    await s.cni.getStatusNetworkList(listOf('1.1.0', {}, 'a', 'b', 'c')).then(() => assert.unreachable(), (e: Error) => assert.is(e.message, 'plugin type="b" failed (status): not ready'));
    assert.equal(s.exec.calls.map((c) => c.plugin), ['a', 'b']);
    assert.equal(Object.keys(s.exec.calls[0]!.stdin).sort(), ['capabilities', 'cniVersion', 'name', 'type']);
  } finally {
    s.done();
  }
});

test('getCachedAttachments lists what ADD cached', async () => {
  const s = setup();
  try {
    await s.cni.addNetworkList(listOf('1.0.0'), { ...rt('c1'), args: [['A', 'B']] });
    await s.cni.addNetworkList(listOf('1.0.0'), rt('c2'));
    const all = await s.cni.getCachedAttachments();
    assert.equal(all.map((a) => a.containerId), ['c1', 'c2']);
    assert.equal(all[0]!.cniArgs, [['A', 'B']]);
    assert.equal((await new ResultCache(s.dir).attachments('c2')).map((a) => a.containerId), ['c2']);
  } finally {
    s.done();
  }
});

test.run();
