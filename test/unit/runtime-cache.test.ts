import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, statSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import * as path from 'node:path';
import { CacheError, CNIConfig, encodeCacheEntry, networkConfFromFile, ResultCache, type RuntimeConf } from '../../src/runtime/index.js';
import { CACHE_FIXTURE_DIR, CONF_DIR, FakeExec, cleanup, tempDir } from '../fixtures/runtime/helpers.js';

const FIXTURE_ID = 'cnitool-2f5e6d1a0b9c8d7e6f50';
const FIXTURE_FILE = path.join(CACHE_FIXTURE_DIR, 'results', `mynet-${FIXTURE_ID}-eth0`);
const CONFLIST = path.join(CONF_DIR, '10-mynet.conflist');

/** The inputs the fixture was written from (capability keys deliberately unsorted). */
const fixtureRt = (): RuntimeConf => ({
  containerId: FIXTURE_ID,
  netns: '/var/run/netns/cni-test',
  ifName: 'eth0',
  args: [['IgnoreUnknown', '1'], ['K8S_POD_NAMESPACE', 'a&b']],
  capabilityArgs: { portMappings: [{ protocol: 'tcp', hostPort: 8080, containerPort: 80 }], bandwidth: { ingressRate: 1000000, ingressBurst: 2000 } },
});

/** What a plugin printed, keys in its own order and an unknown key the reference drops. */
const PLUGIN_OUTPUT = JSON.stringify({
  cniVersion: '1.0.0',
  interfaces: [
    { name: 'cni-test0', mac: '0a:58:0a:16:00:01' },
    { name: 'veth1a2b3c4d', mac: '5e:11:22:33:44:55' },
    { sandbox: '/var/run/netns/cni-test', name: 'eth0', mac: '0a:58:0a:16:00:05' },
  ],
  ips: [{ address: '10.22.0.5/16', interface: 2, gateway: '10.22.0.1' }],
  routes: [{ dst: '0.0.0.0/0', gw: '10.22.0.1' }],
  dns: { nameservers: ['10.22.0.1'] },
  extraKey: 'dropped',
});

test('reads a cache file written in the reference format', async () => {
  const cache = new ResultCache(CACHE_FIXTURE_DIR);
  const rt: RuntimeConf = { containerId: FIXTURE_ID, netns: '', ifName: 'eth0' };
  const cached = await cache.readResult('mynet', rt);
  assert.is(cached!.cniVersion, '1.0.0');
  assert.equal((cached!.json.ips as unknown[])[0], { address: '10.22.0.5/16', gateway: '10.22.0.1', interface: 2 });
  const conf = await cache.readConfig('mynet', rt);
  assert.ok(conf!.config.equals(readFileSync(CONFLIST)));
  assert.equal(conf!.rt.args, fixtureRt().args);
  assert.equal(conf!.rt.capabilityArgs, fixtureRt().capabilityArgs);
  const atts = await cache.attachments();
  assert.equal(atts.map((a) => [a.network, a.containerId, a.ifName, a.netns]), [['mynet', FIXTURE_ID, 'eth0', '/var/run/netns/cni-test']]);
  assert.equal(await cache.attachments('legacy'), []);
  assert.is((await cache.attachments(FIXTURE_ID)).length, 1);
});

test('a legacy cache file (bare result) is read', async () => {
  const cached = await new ResultCache(CACHE_FIXTURE_DIR).readResult('mynet', { containerId: 'legacy', netns: '', ifName: 'eth0' });
  assert.is(cached!.cniVersion, '0.4.0');
  assert.equal((cached!.json.ips as unknown[]).length, 1);
});

test('encodeCacheEntry is byte-for-byte the reference file for the same inputs', () => {
  const rt = fixtureRt();
  const text = encodeCacheEntry({
    containerId: rt.containerId, ifName: rt.ifName, network: 'mynet', config: readFileSync(CONFLIST), netns: rt.netns,
    cniArgs: rt.args, capabilityArgs: rt.capabilityArgs, result: JSON.parse(readFileSync(FIXTURE_FILE, 'utf8')).result,
  });
  assert.is(text, readFileSync(FIXTURE_FILE, 'utf8'));
});

test('empty netns, args, capabilityArgs and result are left out', () => {
  const text = encodeCacheEntry({ containerId: 'c', ifName: 'eth0', network: 'n', config: Buffer.from('{}'), netns: '', cniArgs: [], capabilityArgs: {} });
  assert.is(text, '{"kind":"cniCacheV1","containerId":"c","config":"e30=","ifName":"eth0","networkName":"n"}');
});

test('ADD writes exactly the reference file (dir 0700, file 0600) from a plugin\'s raw output', async () => {
  const dir = tempDir('cache');
  try {
    const list = await networkConfFromFile(CONFLIST);
    const exec = new FakeExec((c) => (c.plugin === 'portmap' ? PLUGIN_OUTPUT : '{"cniVersion":"1.0.0"}'));
    const cni = new CNIConfig({ path: ['/nowhere'], cacheDir: dir, exec });
    const added = await cni.addNetworkList(list, fixtureRt());
    const file = path.join(dir, 'results', `mynet-${FIXTURE_ID}-eth0`);
    assert.is(readFileSync(file, 'utf8'), readFileSync(FIXTURE_FILE, 'utf8'));
    assert.is(statSync(path.join(dir, 'results')).mode & 0o777, 0o700);
    assert.is(statSync(file).mode & 0o777, 0o600);
    assert.not.ok('extraKey' in added.json);
    assert.is(added.result.interfaces![2]!.sandbox, '/var/run/netns/cni-test');
  } finally {
    cleanup(dir);
  }
});

test('empty or corrupt cache files: readResult throws CacheError, listing skips them', async () => {
  const dir = tempDir('cache');
  try {
    const cache = new ResultCache(dir);
    mkdirSync(path.join(dir, 'results'), { recursive: true });
    for (const [id, text] of [['empty', ''], ['garbage', '{"kind":"cniCacheV1",'], ['noresult', '{"kind":"cniCacheV1","containerId":"noresult","config":"","ifName":"eth0","networkName":"n"}'], ['badb64', '{"kind":"cniCacheV1","config":"!!","result":{"cniVersion":"1.0.0"}}']] as const) {
      writeFileSync(path.join(dir, 'results', `n-${id}-eth0`), text);
      await cache.readResult('n', { containerId: id, netns: '', ifName: 'eth0' }).then(
        () => assert.unreachable(`${id} should not read`),
        (err: Error) => assert.instance(err, CacheError, id),
      );
    }
    assert.equal((await cache.attachments()).map((a) => a.containerId), ['noresult']);
    assert.is(await cache.readResult('n', { containerId: 'absent', netns: '', ifName: 'eth0' }), undefined);
  } finally {
    cleanup(dir);
  }
});

test('cache keys must be non-empty and stay inside the results dir', () => {
  const cache = new ResultCache('/x');
  assert.throws(() => cache.filePath('', { containerId: 'c', ifName: 'eth0' }), /requires network name/);
  assert.throws(() => cache.filePath('n', { containerId: '../../etc', ifName: 'eth0' }), /invalid cache key/);
  assert.is(cache.filePath('n', { containerId: 'c', ifName: 'eth0' }), '/x/results/n-c-eth0');
});

test('a rewrite replaces the file atomically and leaves no temporary files', async () => {
  const dir = tempDir('cache');
  try {
    cpSync(CACHE_FIXTURE_DIR, dir, { recursive: true });
    const cache = new ResultCache(dir);
    const rt = fixtureRt();
    await cache.write({ cniVersion: '1.0.0', json: { cniVersion: '1.0.0', dns: {} }, result: { cniVersion: '1.1.0' } }, Buffer.from('{}'), 'mynet', rt);
    assert.equal((await cache.readResult('mynet', rt))!.json, { cniVersion: '1.0.0', dns: {} });
    const { readdirSync } = await import('node:fs');
    assert.equal(readdirSync(path.join(dir, 'results')).sort(), [`mynet-${FIXTURE_ID}-eth0`, 'mynet-legacy-eth0']);
  } finally {
    cleanup(dir);
  }
});

test.run();
