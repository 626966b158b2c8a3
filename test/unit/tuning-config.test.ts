/** tuning: config parsing and override order, sysctl keys, the allowlist, the backup format, duplicate keys. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseTuningConfig, changesLink, DEFAULT_DATA_DIR } from '../../src/plugins/meta/tuning/config.js';
import { sysctlFile } from '../../src/plugins/meta/tuning/sysctl-keys.js';
import { checkAllowlist, readAllowlist } from '../../src/plugins/meta/tuning/allowlist.js';
import { backupFile, collectBackups, decodeBackup, encodeBackup, writeBackup } from '../../src/plugins/meta/tuning/backup.js';
import { duplicateKeysOf } from '../../src/plugins/meta/tuning/json-keys.js';
import { cniErrorOf } from '../helpers/errors.js';

const base = (extra: Record<string, unknown> = {}) => ({ cniVersion: '1.0.0', name: 'n', type: 'tuning', ...extra });

test('defaults: nothing to change, default dataDir', () => {
  const c = parseTuningConfig(base(), '');
  assert.equal(c.settings, { dataDir: DEFAULT_DATA_DIR, sysctl: [], link: { promisc: false } });
  assert.not.ok(changesLink(c.settings.link));
});

test('keys from the config; mtu 0 means unset; txQLen 0 is a value', () => {
  const c = parseTuningConfig(base({ dataDir: '/tmp/x', sysctl: { 'net.core.somaxconn': '500' }, mac: 'C2-B0-57-49-47-F1', mtu: 0, promisc: true, allmulti: false, txQLen: 0 }), '');
  assert.equal(c.settings, { dataDir: '/tmp/x', sysctl: [['net.core.somaxconn', '500']], link: { promisc: true, mac: 'c2:b0:57:49:47:f1', allmulti: false, txQLen: 0 } });
  assert.ok(changesLink(c.settings.link));
});

test('override order as the reference: CNI_ARGS MAC, then runtimeConfig.mac, then args.cni', () => {
  const raw = base({ mac: '02:00:00:00:00:00', mtu: 1400, promisc: true, sysctl: { a: '1', b: '2' } });
  assert.is(parseTuningConfig(raw, 'MAC=02:00:00:00:00:01').settings.link.mac, '02:00:00:00:00:01');
  assert.is(parseTuningConfig({ ...raw, runtimeConfig: { mac: '02:00:00:00:00:02' } }, 'MAC=02:00:00:00:00:01').settings.link.mac, '02:00:00:00:00:02');
  const all = parseTuningConfig(
    { ...raw, runtimeConfig: { mac: '02:00:00:00:00:02' }, args: { cni: { mac: '02:00:00:00:00:03', mtu: 1300, promisc: false, allmulti: true, txQLen: 7, sysctl: { b: '3', c: '4' } } } },
    'IgnoreUnknown=1;MAC=02:00:00:00:00:01;K8S_POD_NAME=x',
  );
  assert.equal(all.settings.link, { mac: '02:00:00:00:00:03', mtu: 1300, promisc: false, allmulti: true, txQLen: 7 });
  assert.equal(all.settings.sysctl, [['a', '1'], ['b', '3'], ['c', '4']]);
  assert.is(parseTuningConfig({ ...raw, args: { cni: { mtu: 0 } } }, '').settings.link.mtu, undefined, 'args.cni.mtu 0 unsets');
});

test('config errors are code 7 naming the key', () => {
  for (const [raw, args, msg] of [
    [base({ mtu: 'x' }), '', /"mtu" must be an integer/],
    [base({ mtu: -3 }), '', /mtu must not be negative/],
    [base({ txQLen: -1 }), '', /txQLen must not be negative/],
    [base({ promisc: 1 }), '', /"promisc" must be a boolean/],
    [base({ mac: 'nope' }), '', /invalid MAC address "nope" in mac/],
    [base({ sysctl: ['a'] }), '', /"sysctl" must be an object of strings/],
    [base({ sysctl: { a: 1 } }), '', /"sysctl" must be an object of strings, got {"a":1}/],
    [base({ runtimeConfig: { mac: 5 } }), '', /runtimeConfig.mac must be a string/],
    [base({ args: { cni: { mac: 'x' } } }), '', /invalid MAC address "x" in args.cni.mac/],
    [base({ args: { cni: { allmulti: 'yes' } } }), '', /"args.cni.allmulti" must be a boolean/],
    [base({ args: { cni: { sysctl: { a: true } } } }), '', /"args.cni.sysctl" must be an object of strings/],
    [base(), 'MAC=zz', /invalid MAC address "zz" in CNI_ARGS MAC/],
  ] as const) {
    const err = cniErrorOf(() => parseTuningConfig(raw as never, args));
    assert.is(err.code, 7, err.message);
    assert.match(err.message, msg);
  }
  assert.is(cniErrorOf(() => parseTuningConfig(base(), 'FOO=1')).code, 4, 'unknown CNI_ARGS key');
});

test('duplicate sysctl keys in the raw text are refused; elsewhere they are not our business', () => {
  const text = '{"cniVersion":"1.0.0","name":"n","type":"tuning","x":{"a":1,"a":2},"sysctl":{"net.a":"1","net.b":"[{\\"}\\"","net.a":"2"}}';
  assert.equal(duplicateKeysOf(text, 'sysctl'), ['net.a']);
  assert.equal(duplicateKeysOf('{"sysctl":{"a":"1","b":{"a":1}},"y":[1,{"a":2}]}', 'sysctl'), []);
  assert.equal(duplicateKeysOf('{"sysctl":{}}', 'sysctl'), []);
  const err = cniErrorOf(() => parseTuningConfig(JSON.parse(text), '', Buffer.from(text)));
  assert.is(err.message, 'duplicated sysctl keys are not allowed: "net.a"');
});

test('sysctl keys: dots to slashes, path form kept, IFNAME once, only under net, no traversal', () => {
  assert.is(sysctlFile('net.ipv4.conf.IFNAME.arp_filter', 'eth0'), '/proc/sys/net/ipv4/conf/eth0/arp_filter');
  assert.is(sysctlFile('net.ipv4.conf.IFNAME.arp_filter', 'eth0.100'), '/proc/sys/net/ipv4/conf/eth0.100/arp_filter', 'dotted interface names survive');
  assert.is(sysctlFile('net/ipv4/conf/eth0.5/rp_filter', 'x'), '/proc/sys/net/ipv4/conf/eth0.5/rp_filter');
  assert.is(sysctlFile('/proc/sys/net/core/somaxconn', 'x'), '/proc/sys/net/core/somaxconn');
  for (const [key, shown] of [
    ['kernel.hostname', 'kernel/hostname'],
    ['net', 'net'],
    ['net/../kernel/x', 'net/../kernel/x'],
    ['net/./core/x', 'net/./core/x'],
    ['net..core', 'net//core'],
    ['/proc/sys/net/../kernel', 'net/../kernel'],
    ['netfilter.x', 'netfilter/x'],
  ]) {
    assert.is(cniErrorOf(() => sysctlFile(key!, 'eth0')).message, `invalid net sysctl key: "${shown}"`);
  }
  assert.is(cniErrorOf(() => sysctlFile('net.ipv4.conf.IFNAME.x', '..')).code, 7);
});

test('allowlist: patterns match anywhere in the key; the message lists them; a bad pattern is code 7', () => {
  checkAllowlist(['net.core.somaxconn'], ['somaxconn']);
  const err = cniErrorOf(() => checkAllowlist(['net.core.somaxconn', 'net.ipv4.x'], ['^net\\.core\\.', 'y']));
  assert.is(err.message, 'Sysctl net.ipv4.x is not allowed. Only the following sysctls are allowed: [^net\\.core\\. y]');
  assert.is(err.code, 7);
  assert.match(cniErrorOf(() => checkAllowlist(['a'], ['('])).message, /invalid pattern "\(" in \/etc\/cni\/tuning\/allowlist.conf/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'allow-'));
  try {
    assert.is(readAllowlist(path.join(dir, 'missing')), undefined, 'no file, no restriction');
    fs.writeFileSync(path.join(dir, 'a'), ' a \n\n\tb\n');
    assert.equal(readAllowlist(path.join(dir, 'a')), ['a', 'b']);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test("backup: the reference's bytes, lenient decoding, GC by network", () => {
  assert.is(encodeBackup({ txQLen: 0, allmulti: true, mtu: 1500, promisc: false, mac: 'aa:bb:cc:dd:ee:ff' }), '{\n "mac": "aa:bb:cc:dd:ee:ff",\n "promisc": false,\n "mtu": 1500,\n "allmulti": true,\n "txQLen": 0\n}');
  assert.is(encodeBackup({}), '{}');
  assert.equal(decodeBackup('{"mac":"x","mtu":"1500","promisc":true,"bogus":1}'), { mac: 'x', promisc: true });
  assert.is(decodeBackup('not json'), undefined);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-'));
  try {
    writeBackup(backupFile(dir, 'c1', 'eth0'), { mtu: 1500 }, 'net1');
    writeBackup(backupFile(dir, 'c_2', 'eth1'), { mtu: 1500 }, 'net1');
    writeBackup(backupFile(dir, 'c3', 'eth0'), { mtu: 1500 }, 'net2');
    assert.equal(collectBackups(dir, 'net1', new Set(['c1_eth0.json'])), ['c_2_eth1.json']);
    assert.equal(fs.readdirSync(dir).sort(), ['c1_eth0.json', 'c1_eth0.json.network', 'c3_eth0.json', 'c3_eth0.json.network']);
    assert.equal(collectBackups(path.join(dir, 'none'), 'net1', new Set()), []);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});

test.run();
