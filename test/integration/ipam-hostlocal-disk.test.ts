/**
 * host-local on a real directory: the bytes we write are the reference plugin's, a store written
 * by the reference is taken over (ADD continues its round robin, CHECK and DEL find its
 * reservations, legacy ID-only files included), GC on disk, STATUS on disk.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IpAddress } from '../../src/lib/ip/index.js';
import { plugin } from '../../src/plugins/ipam/host-local/index.js';
import { DiskStore } from '../../src/plugins/ipam/host-local/store/disk-store.js';
import { expectCniError, invoke, makeTempDir, removeDir } from '../helpers/ipam.js';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

function withDataDir(fn: (dataDir: string) => Promise<void>) {
  return async () => {
    const dataDir = makeTempDir();
    try {
      await fn(dataDir);
    } finally {
      removeDir(dataDir);
    }
  };
}

const conf = (dataDir: string, ipam: object = {}) => ({
  cniVersion: '1.1.0',
  name: 'mynet',
  type: 'bridge',
  ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: '10.1.0.0/24' }], [{ subnet: '2001:db8::/64', rangeStart: '2001:db8::100' }]], ...ipam },
});

test(
  'ADD writes the reference format byte for byte',
  withDataDir(async (dataDir) => {
    const old = process.umask(0o022);
    try {
      await invoke(plugin, 'ADD', conf(dataDir), { containerId: 'cid-1', ifName: 'eth0' });
    } finally {
      process.umask(old);
    }
    const dir = path.join(dataDir, 'mynet');
    assert.equal(fs.readdirSync(dir).sort(), ['10.1.0.2', '2001:db8::100', 'last_reserved_ip.0', 'last_reserved_ip.1', 'lock']);
    assert.equal(fs.readFileSync(path.join(dir, '10.1.0.2')), Buffer.from('cid-1\r\neth0'));
    assert.equal(fs.readFileSync(path.join(dir, '2001:db8::100')), Buffer.from('cid-1\r\neth0'));
    assert.equal(fs.readFileSync(path.join(dir, 'last_reserved_ip.0')), Buffer.from('10.1.0.2'));
    assert.equal(fs.readFileSync(path.join(dir, 'last_reserved_ip.1')), Buffer.from('2001:db8::100'));
    assert.is(fs.readFileSync(path.join(dir, 'lock')).length, 0);
    assert.is(mode(dir), 0o755);
    for (const f of ['10.1.0.2', '2001:db8::100', 'last_reserved_ip.0']) assert.is(mode(path.join(dir, f)), 0o600, f);
  }),
);

test(
  'a store written by the reference plugin is taken over',
  withDataDir(async (dataDir) => {
    const dir = path.join(dataDir, 'mynet');
    fs.mkdirSync(dir, { mode: 0o755 });
    const write = (name: string, content: string) => fs.writeFileSync(path.join(dir, name), content, { mode: 0o600 });
    write('lock', '');
    write('10.1.0.5', 'ref-cid\r\neth0');
    write('10.1.0.6', 'old-cid'); // written before ifname was recorded
    write('last_reserved_ip.0', '10.1.0.6');
    write('2001:db8::100', 'ref-cid\r\neth0');
    write('last_reserved_ip.1', '2001:db8::100');

    // round robin continues after the reference's last reservation
    const r = await invoke(plugin, 'ADD', conf(dataDir), { containerId: 'new', ifName: 'eth0' });
    assert.equal(r!.ips!.map((i) => i.address), ['10.1.0.7/24', '2001:db8::101/64']);
    // the reference's attachments are known: duplicate ADD refused, CHECK passes
    await expectCniError(() => invoke(plugin, 'ADD', conf(dataDir), { containerId: 'ref-cid', ifName: 'eth0' }), 999, 'failed to allocate for range 0: 10.1.0.5 has been allocated to ref-cid, duplicate allocation is not allowed');
    await invoke(plugin, 'CHECK', conf(dataDir), { containerId: 'ref-cid', ifName: 'eth0' });
    await invoke(plugin, 'CHECK', conf(dataDir), { containerId: 'old-cid', ifName: 'eth0' });
    // DEL releases them (the legacy one by container ID alone)
    await invoke(plugin, 'DEL', conf(dataDir), { containerId: 'ref-cid', ifName: 'eth0' });
    await invoke(plugin, 'DEL', conf(dataDir), { containerId: 'old-cid', ifName: 'eth9' });
    assert.equal(fs.readdirSync(dir).sort(), ['10.1.0.7', '2001:db8::101', 'last_reserved_ip.0', 'last_reserved_ip.1', 'lock']);
  }),
);

test(
  'DEL with no store directory succeeds and does not create it; DEL with a broken config still releases',
  withDataDir(async (dataDir) => {
    await invoke(plugin, 'DEL', conf(dataDir), { containerId: 'x', ifName: 'eth0' });
    assert.not.ok(fs.existsSync(path.join(dataDir, 'mynet')));
    await invoke(plugin, 'ADD', conf(dataDir), { containerId: 'x', ifName: 'eth0' });
    await invoke(plugin, 'DEL', conf(dataDir, { ranges: [[{ subnet: '10.1.0.1/24' }]] }), { containerId: 'x', ifName: 'eth0' });
    assert.equal(fs.readdirSync(path.join(dataDir, 'mynet')).sort(), ['last_reserved_ip.0', 'last_reserved_ip.1', 'lock']);
  }),
);

test(
  'GC on disk: drops stale, empty and leftover files, keeps valid, legacy-valid and bookkeeping',
  withDataDir(async (dataDir) => {
    const c = conf(dataDir);
    await invoke(plugin, 'ADD', c, { containerId: 'keep', ifName: 'eth0' });
    await invoke(plugin, 'ADD', c, { containerId: 'leak', ifName: 'eth0' });
    const dir = path.join(dataDir, 'mynet');
    fs.writeFileSync(path.join(dir, '10.1.0.50'), ''); // a reference crash mid-write
    fs.writeFileSync(path.join(dir, '10.1.0.51'), 'legacy-keep');
    fs.writeFileSync(path.join(dir, '10.1.0.52'), 'legacy-gone');
    fs.writeFileSync(path.join(dir, '.tmp.10.1.0.53.1.deadbeef'), 'x\r\neth0');
    await invoke(plugin, 'GC', { ...c, 'cni.dev/attachments': [{ containerID: 'keep', ifname: 'eth0' }, { containerID: 'legacy-keep', ifname: 'eth1' }] });
    assert.equal(fs.readdirSync(dir).sort(), ['10.1.0.2', '10.1.0.51', '2001:db8::100', 'last_reserved_ip.0', 'last_reserved_ip.1', 'lock']);
    // round robin continues after the last reservation (.3, leak's, now released)
    const r = await invoke(plugin, 'ADD', c, { containerId: 'again', ifName: 'eth0' });
    assert.is(r!.ips![0]!.address, '10.1.0.4/24');
  }),
);

test(
  'reserve: losing the race at link time (EEXIST) is "taken", and the temp file is removed',
  withDataDir(async (dataDir) => {
    const dir = path.join(dataDir, 'race');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, '10.0.0.9'), 'other\r\neth0');
    // existsSync lies, as if the other writer linked between our check and our link
    const store = new DiskStore(dir, { fs: { ...fs, existsSync: () => false } });
    try {
      store.lock();
      assert.not.ok(store.reserve({ containerId: 'me', ifName: 'eth0' }, IpAddress.parse('10.0.0.9'), '0'));
      store.unlock();
    } finally {
      store.close();
    }
    assert.equal(fs.readdirSync(dir).sort(), ['10.0.0.9', 'lock']);
    assert.is(fs.readFileSync(path.join(dir, '10.0.0.9'), 'utf8'), 'other\r\neth0');
  }),
);

test(
  'STATUS on disk: 50 once the only range set is full',
  withDataDir(async (dataDir) => {
    const c = conf(dataDir, { ranges: [[{ subnet: '10.9.0.0/30' }]] });
    await invoke(plugin, 'STATUS', c);
    await invoke(plugin, 'ADD', c, { containerId: 'a', ifName: 'eth0' });
    await expectCniError(() => invoke(plugin, 'STATUS', c), 50, 'host-local: no IP addresses available in range set 0: 10.9.0.1-10.9.0.2');
    await invoke(plugin, 'DEL', c, { containerId: 'a', ifName: 'eth0' });
    await invoke(plugin, 'STATUS', c);
  }),
);

test.run();
