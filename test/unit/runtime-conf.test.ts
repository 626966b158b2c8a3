import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  ConfigError, ConfigFileError, listNetworks, loadNetworkList, networkConfFromBytes, NetworkNotFoundError, NoConfigsFoundError,
} from '../../src/runtime/index.js';
import { CONF_DIR, cleanup, tempDir } from '../fixtures/runtime/helpers.js';

const types = (l: { plugins: { network: { type: string } }[] }) => l.plugins.map((p) => p.network.type);

test('a .conflist wins over a .conf of the same name; bytes are the file', async () => {
  const list = await loadNetworkList(CONF_DIR, 'mynet');
  assert.is(list.cniVersion, '1.0.0');
  assert.equal(types(list), ['bridge', 'portmap']);
  assert.ok(list.bytes.equals(readFileSync(path.join(CONF_DIR, '10-mynet.conflist'))));
  assert.equal(list.plugins[1]!.network.capabilities, { portMappings: true, bandwidth: false });
});

test('listNetworks: conflists sorted, then .conf/.json sorted; shadowed names and errors reported', async () => {
  const entries = await listNetworks(CONF_DIR);
  const names = entries.map((e) => path.basename(e.file));
  assert.equal(names, [
    '10-mynet.conflist', '20-versions.conflist', '21-toonew.conflist', '30-flags.conflist', '31-flags-bool.conflist',
    '40-merged.conflist', '41-inlined.conflist', '42-external.conflist', '50-broken.conflist', '51-badbool.conflist',
    '52-notype.conflist', '53-inlined-noplugins.conflist', '60-dup.conflist',
    '70-single.conf', '80-jsonnet.json', '90-mynet.conf',
  ]);
  const by = (n: string) => entries.find((e) => path.basename(e.file) === n)!;
  assert.is(by('60-dup.conflist').shadowedBy, path.join(CONF_DIR, '10-mynet.conflist'));
  assert.is(by('90-mynet.conf').shadowedBy, path.join(CONF_DIR, '10-mynet.conflist'));
  assert.is(by('10-mynet.conflist').shadowedBy, undefined);
  for (const bad of ['50-broken.conflist', '51-badbool.conflist', '52-notype.conflist', '53-inlined-noplugins.conflist']) {
    assert.instance(by(bad).error, ConfigFileError, bad);
    assert.is(by(bad).network, undefined);
  }
  assert.match(by('51-badbool.conflist').error!.message, 'invalid value "yes" for disableCheck');
  assert.is(by('51-badbool.conflist').error!.network, 'badbool');
  assert.match(by('52-notype.conflist').error!.message, "failed to parse plugin config 0: error parsing configuration: missing 'type'");
  assert.match(by('53-inlined-noplugins.conflist').error!.message, "`loadOnlyInlinedPlugins` is true, and no 'plugins' key");
  assert.is(by('50-broken.conflist').error!.network, undefined);
});

test('cniVersions: newer than 1.1.0 dropped, the highest of the rest (and cniVersion) wins', async () => {
  assert.is((await loadNetworkList(CONF_DIR, 'versions')).cniVersion, '1.1.0');
  assert.is((await loadNetworkList(CONF_DIR, 'toonew')).cniVersion, '1.0.0');
  const only = networkConfFromBytes(Buffer.from('{"name":"n","cniVersions":["0.3.1","0.4.0"],"plugins":[{"type":"x"}]}'));
  assert.is(only.cniVersion, '0.4.0');
  assert.throws(() => networkConfFromBytes(Buffer.from('{"name":"n","cniVersions":["a.b"],"plugins":[{"type":"x"}]}')), /invalid cniVersions entry a\.b at index 0/);
  assert.throws(() => networkConfFromBytes(Buffer.from('{"name":"n","cniVersions":"1.0.0","plugins":[{"type":"x"}]}')), /invalid type for cniVersions/);
});

test('disableCheck/disableGC accept bools and "true"/"false" in any case', async () => {
  const flags = await loadNetworkList(CONF_DIR, 'flags');
  assert.is(flags.disableCheck, true);
  assert.is(flags.disableGC, false);
  const bools = await loadNetworkList(CONF_DIR, 'flagsbool');
  assert.is(bools.disableCheck, false);
  assert.is(bools.disableGC, true);
  assert.throws(() => networkConfFromBytes(Buffer.from('{"name":"n","disableGC":1,"plugins":[{"type":"x"}]}')), /invalid type number for disableGC/);
});

test('plugins from <dir>/<name>/*.conf are appended in name order unless loadOnlyInlinedPlugins', async () => {
  assert.equal(types(await loadNetworkList(CONF_DIR, 'merged')), ['bridge', 'tuning', 'portmap']);
  assert.equal(types(await loadNetworkList(CONF_DIR, 'inlined')), ['bridge']);
  assert.equal(types(await loadNetworkList(CONF_DIR, 'external')), ['ptp', 'firewall']);
});

test('.conf and .json are up-converted to a list with the reference bytes (sorted keys, Go escaping)', async () => {
  const single = await loadNetworkList(CONF_DIR, 'single');
  assert.is(single.cniVersion, '0.3.1');
  assert.equal(types(single), ['bridge']);
  assert.is(
    single.bytes.toString(),
    '{"cniVersion":"0.3.1","name":"single","plugins":[{"cniVersion":"0.3.1","ipam":{"ranges":[[{"subnet":"10.30.0.0/24"}]],"type":"host-local"},"mtu":1500,"name":"single","note":"a\\u003cb \\u0026 c\\u003ed","type":"bridge"}]}',
  );
  const json = await loadNetworkList(CONF_DIR, 'jsonnet');
  assert.is(json.cniVersion, '');
  assert.is(json.bytes.toString(), '{"cniVersion":"","name":"jsonnet","plugins":[{"name":"jsonnet","type":"loopback"}]}');
});

test('a broken file matching the name is reported; a missing name lists the unreadable files', async () => {
  try {
    await loadNetworkList(CONF_DIR, 'badbool');
    assert.unreachable();
  } catch (err) {
    assert.instance(err, ConfigFileError);
    assert.instance(err, ConfigError);
  }
  try {
    await loadNetworkList(CONF_DIR, 'nosuchnet');
    assert.unreachable();
  } catch (err) {
    assert.instance(err, NetworkNotFoundError);
    assert.match((err as Error).message, `no net configuration with name "nosuchnet" in ${CONF_DIR}`);
    assert.is((err as NetworkNotFoundError).unreadable.length, 4);
  }
});

test('empty or missing directory: no net configurations found', async () => {
  const dir = tempDir('conf');
  try {
    for (const d of [dir, path.join(dir, 'missing')]) {
      try {
        await loadNetworkList(d, 'x');
        assert.unreachable();
      } catch (err) {
        assert.instance(err, NoConfigsFoundError);
        assert.is((err as Error).message, `no net configurations found in ${d}`);
      }
    }
    assert.equal(await listNetworks(path.join(dir, 'missing')), []);
  } finally {
    cleanup(dir);
  }
});

test('a list without plugins anywhere is an error; a dir of configs named like a network is not read as one', async () => {
  const dir = tempDir('conf');
  try {
    writeFileSync(path.join(dir, 'a.conflist'), '{"cniVersion":"1.0.0","name":"empty"}');
    mkdirSync(path.join(dir, 'empty'));
    writeFileSync(path.join(dir, 'empty', 'x.json'), '{"type":"bridge"}');
    await loadNetworkList(dir, 'empty').then(() => assert.unreachable(), (err: Error) => assert.match(err.message, 'no plugin configs found'));
  } finally {
    cleanup(dir);
  }
});

test.run();
