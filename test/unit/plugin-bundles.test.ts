/**
 * Each plugin start runs a bundle of its own (build.ts): the plugin and the plugins it delegates to,
 * so those run in-process. What a bundle carries comes from the registry's delegatesTo; a delegate
 * a bundle does not carry is exec'd.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PLUGINS, bundleMembers, bundledLookup, findPlugin } from '../../src/plugins/registry.js';
import { SRC, reachableFrom } from '../helpers/imports.js';

const sorted = (xs: Iterable<string>) => [...xs].sort();

test('a bundle carries the plugin and, transitively, every plugin of the kinds it delegates to', () => {
  assert.equal(bundleMembers('loopback'), ['loopback']);
  assert.equal(bundleMembers('portmap'), ['portmap']);
  assert.equal(sorted(bundleMembers('bridge')), ['bridge', 'dhcp', 'host-local', 'static']);
  const flannel = bundleMembers('flannel');
  const mainAndIpam = PLUGINS.filter((p) => p.kind === 'main' || p.kind === 'ipam').map((p) => p.name);
  assert.equal(sorted(flannel), sorted(['flannel', ...mainAndIpam]));
  assert.not.ok(flannel.includes('portmap'), 'no meta plugin rides along with flannel');
  assert.equal(bundleMembers('no-such-plugin'), []);
});

test('every plugin that reaches the delegation code says what it delegates to, and no other does', () => {
  const delegation = path.join(SRC, 'skel/delegate.ts');
  for (const p of PLUGINS) {
    const index = ['main', 'ipam', 'meta'].map((g) => path.join(SRC, 'plugins', g, p.name, 'index.ts')).find((f) => fs.existsSync(f));
    assert.ok(index, `${p.name}: plugin module found`);
    const delegates = reachableFrom(index!).has(delegation);
    assert.is(p.delegatesTo !== undefined, delegates, `${p.name}: delegatesTo ${JSON.stringify(p.delegatesTo)}, reaches skel/delegate: ${delegates}`);
  }
});

test('in-process delegation finds only what the bundle carries; from source and in the CLI every plugin', () => {
  const inBridge = bundledLookup(bundleMembers('bridge').join(','));
  assert.is(inBridge('host-local'), findPlugin('host-local'));
  assert.is(inBridge('dhcp'), findPlugin('dhcp'));
  assert.is(inBridge('portmap'), undefined, 'not carried: exec it');
  assert.is(inBridge('nonexistent'), undefined);
  for (const all of [bundledLookup(undefined), bundledLookup('*')]) {
    for (const p of PLUGINS) assert.is(all(p.name), p);
  }
});

test.run();
