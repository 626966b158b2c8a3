/** host-local's verbs through its PluginDefinition, on the in-memory store. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IpAddress } from '../../src/lib/ip/index.js';
import { createHostLocalPlugin } from '../../src/plugins/ipam/host-local/index.js';
import { FakeStore } from '../../src/plugins/ipam/host-local/store/fake-store.js';
import { expectCniError, invoke, makeTempDir, removeDir } from '../helpers/ipam.js';

function setup() {
  const store = new FakeStore();
  const opened: string[] = [];
  const plugin = createHostLocalPlugin({
    openStore: (dir) => {
      opened.push(dir);
      store.closed = false;
      return store;
    },
    storeExists: () => true,
  });
  return { store, plugin, opened };
}

const conf = (ipam: object, extra: object = {}) => ({ cniVersion: '1.1.0', name: 'mynet', type: 'bridge', ipam: { type: 'host-local', dataDir: '/data', ...ipam }, ...extra });
const dual = conf({ ranges: [[{ subnet: '10.1.0.0/24' }], [{ subnet: '2001:db8::/64', rangeStart: '2001:db8::100' }]], routes: [{ dst: '0.0.0.0/0' }] });

test('ADD returns one address per range set with gateway and routes; no interfaces', async () => {
  const { store, plugin, opened } = setup();
  const r = await invoke(plugin, 'ADD', dual, { containerId: 'c1', ifName: 'eth0' });
  assert.equal(r, {
    cniVersion: '1.1.0',
    ips: [
      { address: '10.1.0.2/24', gateway: '10.1.0.1' },
      { address: '2001:db8::100/64', gateway: '2001:db8::1' },
    ],
    routes: [{ dst: '0.0.0.0/0' }],
    dns: {},
  });
  assert.equal(opened, [path.join('/data', 'mynet')]);
  assert.not.ok(store.isLocked, 'lock released');
  assert.ok(store.closed, 'store closed');
  assert.is(store.lastReservedIp('1')!.toString(), '2001:db8::100');
});

test('ADD honours requested addresses, per range set', async () => {
  const { plugin } = setup();
  const r = await invoke(plugin, 'ADD', { ...dual, runtimeConfig: { ips: ['2001:db8::105/64'] }, args: { cni: { ips: ['10.1.0.50'] } } }, { containerId: 'c1', ifName: 'eth0' });
  assert.equal(r!.ips!.map((i) => i.address), ['10.1.0.50/24', '2001:db8::105/64']);
});

test('ADD: a requested address no range set holds fails before the store is opened (no last_reserved_ip)', async () => {
  const { store, plugin, opened } = setup();
  await expectCniError(() => invoke(plugin, 'ADD', { ...dual, args: { cni: { ips: ['10.9.0.5'] } } }, { containerId: 'c1', ifName: 'eth0' }), 999, 'failed to allocate all requested IPs: 10.9.0.5');
  assert.equal(opened, []);
  assert.is(store.lastReservedIp('0'), undefined);
  assert.equal([...store.files.keys()], []);
  // Two requested addresses for one range set: the second has nowhere to go, also refused up front.
  await expectCniError(() => invoke(plugin, 'ADD', { ...dual, args: { cni: { ips: ['10.1.0.5', '10.1.0.6'] } } }, { containerId: 'c1', ifName: 'eth0' }), 999, 'failed to allocate all requested IPs: 10.1.0.6');
  assert.equal(opened, []);
});

test('ADD: one list requesting the same address twice is a config error; the same address from two sources counts once', async () => {
  const { plugin, opened } = setup();
  await expectCniError(() => invoke(plugin, 'ADD', { ...dual, args: { cni: { ips: ['10.1.0.7', '10.1.0.7'] } } }, { containerId: 'c1', ifName: 'eth0' }), 7, 'args.cni.ips[1]: IP address 10.1.0.7 requested twice');
  await expectCniError(() => invoke(plugin, 'ADD', { ...dual, runtimeConfig: { ips: ['10.1.0.7/24', '10.1.0.7'] } }, { containerId: 'c1', ifName: 'eth0' }), 7, 'runtimeConfig.ips[1]: IP address 10.1.0.7 requested twice');
  assert.equal(opened, []);
  const r = await invoke(plugin, 'ADD', { ...dual, args: { cni: { ips: ['10.1.0.7'] } }, runtimeConfig: { ips: ['10.1.0.7/24'] } }, { containerId: 'c1', ifName: 'eth0' });
  assert.equal(r!.ips!.map((i) => i.address), ['10.1.0.7/24', '2001:db8::100/64']);
});

test('ADD failure in a later range set releases only what this ADD took', async () => {
  const { store, plugin } = setup();
  // (c1, eth0) already holds an IPv6 address: the second set fails as a duplicate
  store.put(IpAddress.parse('2001:db8::109'), 'c1\r\neth0');
  await expectCniError(() => invoke(plugin, 'ADD', dual, { containerId: 'c1', ifName: 'eth0' }), 999, 'failed to allocate for range 1: 2001:db8::109 has been allocated to c1, duplicate allocation is not allowed');
  assert.equal([...store.files.keys()], ['2001:db8::109'], 'the v4 address taken by this ADD is released, the older v6 one kept');
  assert.not.ok(store.isLocked);
});

test('ADD fails when a requested address fits no range set, releasing everything it took', async () => {
  const { store, plugin } = setup();
  await expectCniError(() => invoke(plugin, 'ADD', dual, { containerId: 'c1', ifName: 'eth0', args: 'IP=192.168.9.9' }), 999, 'failed to allocate all requested IPs: 192.168.9.9');
  assert.is(store.files.size, 0);
});

test('ADD on an exhausted set reports the set', async () => {
  const { plugin } = setup();
  const small = conf({ ranges: [[{ subnet: '10.1.0.0/30' }]] }); // only .2
  await invoke(plugin, 'ADD', small, { containerId: 'a', ifName: 'eth0' });
  await expectCniError(() => invoke(plugin, 'ADD', small, { containerId: 'b', ifName: 'eth0' }), 999, 'failed to allocate for range 0: no IP addresses available in range set: 10.1.0.1-10.1.0.2');
});

test('ADD with resolvConf fills dns', async () => {
  const { plugin } = setup();
  const dir = makeTempDir();
  try {
    const rc = path.join(dir, 'resolv.conf');
    fs.writeFileSync(rc, 'nameserver 10.0.0.53\nsearch svc.local\n');
    const r = await invoke(plugin, 'ADD', conf({ ranges: [[{ subnet: '10.1.0.0/24' }]], resolvConf: rc }), { containerId: 'a', ifName: 'eth0' });
    assert.equal(r!.dns, { nameservers: ['10.0.0.53'], search: ['svc.local'] });
  } finally {
    removeDir(dir);
  }
});

test('DEL releases the attachment, is idempotent, and leaves others alone', async () => {
  const { store, plugin } = setup();
  await invoke(plugin, 'ADD', dual, { containerId: 'c1', ifName: 'eth0' });
  await invoke(plugin, 'ADD', dual, { containerId: 'c2', ifName: 'eth0' });
  await invoke(plugin, 'DEL', dual, { containerId: 'c1', ifName: 'eth0' });
  await invoke(plugin, 'DEL', dual, { containerId: 'c1', ifName: 'eth0' });
  assert.equal([...store.files.values()].map((f) => f.content), ['c2\r\neth0', 'c2\r\neth0']);
});

test('DEL with no store directory does nothing and never opens (creates) it', async () => {
  let opened = false;
  const plugin = createHostLocalPlugin({
    openStore: () => {
      opened = true;
      throw new Error('should not open');
    },
    storeExists: () => false,
  });
  await invoke(plugin, 'DEL', dual, { containerId: 'c1', ifName: 'eth0' });
  await invoke(plugin, 'GC', { ...dual, 'cni.dev/valid-attachments': [] });
  assert.not.ok(opened);
  await expectCniError(() => invoke(plugin, 'CHECK', dual, { containerId: 'c1', ifName: 'eth0' }), 999, 'host-local: Failed to find address added by container c1');
});

test('CHECK passes while a reservation exists, fails after DEL', async () => {
  const { plugin } = setup();
  await invoke(plugin, 'ADD', dual, { containerId: 'c1', ifName: 'eth0' });
  await invoke(plugin, 'CHECK', dual, { containerId: 'c1', ifName: 'eth0' });
  await expectCniError(() => invoke(plugin, 'CHECK', dual, { containerId: 'c1', ifName: 'eth1' }), 999, 'host-local: Failed to find address added by container c1');
  await invoke(plugin, 'DEL', dual, { containerId: 'c1', ifName: 'eth0' });
  await expectCniError(() => invoke(plugin, 'CHECK', dual, { containerId: 'c1', ifName: 'eth0' }), 999, 'host-local: Failed to find address added by container c1');
});

test('GC through the plugin releases attachments not listed', async () => {
  const { store, plugin } = setup();
  await invoke(plugin, 'ADD', dual, { containerId: 'keep', ifName: 'eth0' });
  await invoke(plugin, 'ADD', dual, { containerId: 'leaked', ifName: 'eth0' });
  await invoke(plugin, 'GC', { ...dual, 'cni.dev/valid-attachments': [{ containerID: 'keep', ifname: 'eth0' }] });
  assert.equal([...store.files.values()].map((f) => f.content), ['keep\r\neth0', 'keep\r\neth0']);
  await expectCniError(() => invoke(plugin, 'GC', dual), 7, 'GC needs "cni.dev/valid-attachments" (the attachments to keep)');
});

test.run();
