import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IpAddress } from '../../src/lib/ip/index.js';
import { addressesHeldBy, collectGarbage, holdsAny, releaseHeldBy } from '../../src/plugins/ipam/host-local/reservations.js';
import { validAttachments } from '../../src/plugins/ipam/host-local/verbs/gc.js';
import { FakeStore } from '../../src/plugins/ipam/host-local/store/fake-store.js';
import type { NetConf } from '../../src/spec/types.js';

const ip = (s: string) => IpAddress.parse(s);
const key = (containerId: string, ifName = 'eth0') => ({ containerId, ifName });
const names = (s: FakeStore) => [...s.files.keys()].sort();

function storeWith(entries: Record<string, string>): FakeStore {
  const s = new FakeStore();
  for (const [addr, content] of Object.entries(entries)) s.put(ip(addr), content);
  s.lock();
  return s;
}

test('GC keeps valid attachments, matching container AND ifname', () => {
  const s = storeWith({ '10.0.0.1': 'keep\r\neth0', '10.0.0.2': 'gone\r\neth0', '10.0.0.3': 'keep\r\neth1' });
  assert.equal(collectGarbage(s, [key('keep')]), []);
  assert.equal(names(s), ['10.0.0.1']);
});

test('GC with an empty list releases every reservation', () => {
  const s = storeWith({ '10.0.0.1': 'a\r\neth0', '2001:db8::5': 'b\r\neth0' });
  assert.equal(collectGarbage(s, []), []);
  assert.equal(names(s), []);
});

test('GC keeps a legacy ID-only file when some valid attachment has that container ID', () => {
  const s = storeWith({ '10.0.0.9': 'legacy-id', '10.0.0.10': 'stale-id' });
  collectGarbage(s, [key('legacy-id', 'eth3')]);
  assert.equal(names(s), ['10.0.0.9']);
});

test('GC removes empty / whitespace-only (ownerless) reservations and leftovers', () => {
  const s = storeWith({ '10.0.0.1': '', '10.0.0.2': ' \r\n ', '10.0.0.3': 'a\r\neth0' });
  s.leftovers = ['.tmp.10.0.0.4.1.ab'];
  collectGarbage(s, [key('a')]);
  assert.equal(names(s), ['10.0.0.3']);
  assert.equal(s.leftovers, []);
});

test('GC matches the container ID after trimming, like the reference', () => {
  const s = storeWith({ '10.0.0.1': 'abc\r\neth0\n' });
  collectGarbage(s, [{ containerId: ' abc ', ifName: 'eth0' }]);
  assert.equal(names(s), ['10.0.0.1']);
});

test('release by attachment: current-format files first, legacy ID-only only when none', () => {
  const s = storeWith({ '10.0.0.1': 'c1\r\neth0', '10.0.0.2': 'c1\r\neth1', '10.0.0.3': 'c1', '10.0.0.4': 'c2\r\neth0' });
  assert.equal(releaseHeldBy(s, key('c1')), []);
  assert.equal(names(s), ['10.0.0.2', '10.0.0.3', '10.0.0.4']);
  // nothing left for (c1, eth0) in the current format: the legacy file goes
  releaseHeldBy(s, key('c1'));
  assert.equal(names(s), ['10.0.0.2', '10.0.0.4']);
  // idempotent
  assert.equal(releaseHeldBy(s, key('c1')), []);
  assert.equal(names(s), ['10.0.0.2', '10.0.0.4']);
});

test('held-by lookups include legacy files; holdsAny is CHECK', () => {
  const s = storeWith({ '10.0.0.1': 'c1\r\neth0', '10.0.0.3': 'c1', '10.0.0.4': 'c2\r\neth0' });
  assert.equal(addressesHeldBy(s, key('c1')).map(String).sort(), ['10.0.0.1', '10.0.0.3']);
  assert.ok(holdsAny(s, key('c2')));
  assert.not.ok(holdsAny(s, key('c2', 'eth1')));
  assert.not.ok(holdsAny(s, key('c3')));
});

test('valid attachments: new key, legacy key, refuse when absent, shape checked', () => {
  const conf = (extra: object) => ({ cniVersion: '1.1.0', name: 'n', type: 't', ...extra }) as NetConf;
  assert.equal(validAttachments(conf({ 'cni.dev/valid-attachments': [{ containerID: 'a', ifname: 'eth0' }] })), [key('a')]);
  assert.equal(validAttachments(conf({ 'cni.dev/attachments': [{ containerID: 'b', ifname: 'eth1' }] })), [key('b', 'eth1')]);
  assert.equal(validAttachments(conf({ 'cni.dev/valid-attachments': [], 'cni.dev/attachments': [{ containerID: 'b', ifname: 'eth1' }] })), []);
  assert.throws(() => validAttachments(conf({})), (e: unknown) => (e as { code: number }).code === 7 && /needs "cni\.dev\/valid-attachments"/.test((e as Error).message));
  assert.throws(() => validAttachments(conf({ 'cni.dev/valid-attachments': [{ containerID: 'a' }] })), /cni\.dev\/valid-attachments\[0\]: expected/);
});

test.run();
