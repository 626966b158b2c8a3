import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IpAddress } from '../../src/lib/ip/index.js';
import { freeAddressCount, hasFreeAddress } from '../../src/plugins/ipam/host-local/allocator/availability.js';
import { canonicalizeRangeSet } from '../../src/plugins/ipam/host-local/config/range-set.js';
import { createHostLocalPlugin } from '../../src/plugins/ipam/host-local/index.js';
import { FakeStore } from '../../src/plugins/ipam/host-local/store/fake-store.js';
import { expectCniError, invoke, makeTempDir, removeDir } from '../helpers/ipam.js';

const ips = (...s: string[]) => s.map((x) => IpAddress.parse(x));
const set = (...ranges: object[]) => canonicalizeRangeSet(ranges, 'test');

test('free address count excludes gateway, network and v4 broadcast, and ignores foreign reservations', () => {
  const s = set({ subnet: '10.0.0.0/29', rangeStart: '10.0.0.0', rangeEnd: '10.0.0.7' }); // 8 - net - gw(.1) - bcast = 5
  assert.is(freeAddressCount(s, []), 5n);
  assert.is(freeAddressCount(s, ips('10.0.0.2', '10.0.0.3', '192.168.0.1', '10.0.0.1')), 3n);
  assert.ok(hasFreeAddress(s, ips('10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5')));
  assert.not.ok(hasFreeAddress(s, ips('10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6')));
  const v6 = set({ subnet: '2001:db8::/64' });
  assert.is(freeAddressCount(v6, []), (1n << 64n) - 2n); // minus subnet-router (not in range) ... and gateway ::1
});

test('multiple ranges in a set add up', () => {
  const s = set({ subnet: '10.0.0.0/30' }, { subnet: '10.0.1.0/30' });
  assert.is(freeAddressCount(s, []), 2n);
  assert.ok(hasFreeAddress(s, ips('10.0.0.2')));
  assert.not.ok(hasFreeAddress(s, ips('10.0.0.2', '10.0.1.2')));
});

function withStatusPlugin(fn: (dataDir: string, store: FakeStore, plugin: ReturnType<typeof createHostLocalPlugin>) => Promise<void>) {
  return async () => {
    const dataDir = makeTempDir();
    const store = new FakeStore();
    const plugin = createHostLocalPlugin({ openStore: () => store, storeExists: (d) => fs.existsSync(d) });
    try {
      await fn(dataDir, store, plugin);
    } finally {
      removeDir(dataDir);
    }
  };
}

const conf = (dataDir: string, ranges: object[][]) => ({ cniVersion: '1.1.0', name: 'net', type: 'bridge', ipam: { type: 'host-local', dataDir, ranges } });

test(
  'STATUS: OK with room, 50 when one range set is exhausted',
  withStatusPlugin(async (dataDir, store, plugin) => {
    const c = conf(dataDir, [[{ subnet: '10.0.0.0/24' }], [{ subnet: '10.1.0.0/30' }]]);
    await invoke(plugin, 'STATUS', c); // store dir does not exist yet: fine
    fs.mkdirSync(path.join(dataDir, 'net'));
    await invoke(plugin, 'STATUS', c);
    store.put(IpAddress.parse('10.1.0.2'), 'a\r\neth0');
    await expectCniError(() => invoke(plugin, 'STATUS', c), 50, 'host-local: no IP addresses available in range set 1: 10.1.0.1-10.1.0.2');
  }),
);

test(
  'STATUS: 50 when the store directory cannot be used',
  withStatusPlugin(async (dataDir, _store, plugin) => {
    const file = path.join(dataDir, 'not-a-dir');
    fs.writeFileSync(file, '');
    await expectCniError(() => invoke(plugin, 'STATUS', conf(file, [[{ subnet: '10.0.0.0/24' }]])), 50, `host-local: store ${path.join(file, 'net')} unusable: ${file} is not a directory`);
    if (process.getuid?.() !== 0) {
      const ro = path.join(dataDir, 'ro');
      fs.mkdirSync(ro, { mode: 0o500 });
      await expectCniError(() => invoke(plugin, 'STATUS', conf(ro, [[{ subnet: '10.0.0.0/24' }]])), 50, /is not writable/);
    }
  }),
);

test.run();
