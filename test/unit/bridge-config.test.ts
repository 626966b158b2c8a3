/** bridge config parsing: defaults, validation messages, VLAN trunks, MAC precedence. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseBridgeConfig } from '../../src/plugins/main/bridge/config.js';
import { collectVlanTrunk, vlanRuns } from '../../src/plugins/main/bridge/vlan-trunk.js';
import { checkMasqSettings } from '../../src/lib/ipmasq/plugin-steps.js';
import { CniError } from '../../src/spec/errors.js';
import type { NetConf } from '../../src/spec/types.js';

const base = (extra: Record<string, unknown> = {}): NetConf => ({ cniVersion: '1.1.0', name: 'n', type: 'bridge', ...extra });

function fails(fn: () => unknown, code: number, msg: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, CniError);
    assert.is((err as CniError).code, code, (err as Error).message);
    assert.match((err as Error).message, msg);
    return;
  }
  assert.unreachable(`expected an error matching ${msg}`);
}

test('ipam: absent, null or {} is L2-only; a string, or an object with keys but no type, is code 7 naming the field', () => {
  for (const ipam of [undefined, null, {}]) assert.is(parseBridgeConfig(base({ ipam }), '').settings.ipamType, '', JSON.stringify(ipam));
  assert.is(parseBridgeConfig(base({ ipam: { type: 'host-local' } }), '').settings.ipamType, 'host-local');
  fails(() => parseBridgeConfig(base({ ipam: 'x' }), ''), 7, /"ipam" must be an object with a "type", got "x"/);
  fails(() => parseBridgeConfig(base({ ipam: ['host-local'] }), ''), 7, /"ipam" must be an object/);
  fails(() => parseBridgeConfig(base({ ipam: { tpye: 'host-local' } }), ''), 7, /"ipam.type" is missing/);
  fails(() => parseBridgeConfig(base({ ipam: { type: '' } }), ''), 7, /"ipam.type" is missing/);
  fails(() => parseBridgeConfig(base({ ipam: { type: 5 } }), ''), 7, /"ipam.type" must be a string, got 5/);
});

test('plugin keys in any case are found as Go finds them (the last variant wins)', () => {
  const s = parseBridgeConfig(base({ Bridge: 'br7', IsGateway: true, ipmasq: true, MTU: 1400, VlanTrunk: [{ ID: 5 }], hairpinMode: false, HairpinMode: true }), '').settings;
  assert.is(s.bridge, 'br7');
  assert.is(s.isGateway, true);
  assert.is(s.ipMasq, true);
  assert.is(s.mtu, 1400);
  assert.equal(s.trunkVlans, [5]);
  assert.is(s.hairpinMode, true);
});

test('defaults match the reference', () => {
  const s = parseBridgeConfig(base(), '').settings;
  assert.equal(s, {
    bridge: 'cni0', isGateway: false, isDefaultGateway: false, forceAddress: false, ipMasq: false, ipMasqBackend: undefined,
    mtu: 0, hairpinMode: false, promiscMode: false, vlan: 0, trunkVlans: [], vlanFiltering: false, preserveDefaultVlan: true,
    macspoofchk: false, enabledad: false, disableContainerInterface: false, portIsolation: false, mac: undefined, ipamType: '',
  });
});

test('isDefaultGateway implies isGateway; ipam type selects L3', () => {
  const s = parseBridgeConfig(base({ isDefaultGateway: true, ipam: { type: 'host-local' } }), '').settings;
  assert.ok(s.isGateway);
  assert.is(s.ipamType, 'host-local');
  assert.is(parseBridgeConfig(base({ ipam: {} }), '').settings.ipamType, '', 'empty ipam = L2 only');
});

test('null means absent, as Go json does', () => {
  const s = parseBridgeConfig(base({ bridge: null, mtu: null, preserveDefaultVlan: null, vlanTrunk: null }), '').settings;
  assert.is(s.bridge, 'cni0');
  assert.is(s.preserveDefaultVlan, true);
  assert.is(s.vlanFiltering, false);
});

test('VLAN ids are validated', () => {
  fails(() => parseBridgeConfig(base({ vlan: 4095 }), ''), 7, /invalid VLAN ID 4095 \(must be between 0 and 4094\)/);
  fails(() => parseBridgeConfig(base({ vlan: -1 }), ''), 7, /invalid VLAN ID -1/);
  fails(() => parseBridgeConfig(base({ vlan: 10, vlanTrunk: [{ id: 11 }] }), ''), 7, /cannot set vlan and vlanTrunk at the same time/);
  const s = parseBridgeConfig(base({ vlan: 100 }), '').settings;
  assert.is(s.vlan, 100);
  assert.ok(s.vlanFiltering);
  assert.ok(parseBridgeConfig(base({ vlanTrunk: [] }), '').settings.vlanFiltering, 'an empty vlanTrunk still turns filtering on');
});

test('vlanTrunk expands ranges and single ids, sorted and unique', () => {
  assert.equal(collectVlanTrunk([{ id: 20 }, { minID: 10, maxID: 12 }, { id: 11 }, { minID: 5, maxID: 5, id: 30 }]), [5, 10, 11, 12, 20, 30]);
  assert.equal(vlanRuns([1, 2, 3, 7, 9, 10]), [[1, 3], [7, 7], [9, 10]]);
});

test('vlanTrunk errors carry the reference messages', () => {
  fails(() => collectVlanTrunk([{ minID: 0, maxID: 5 }]), 7, /^incorrect trunk minID parameter$/);
  fails(() => collectVlanTrunk([{ minID: 1, maxID: 4095 }]), 7, /^incorrect trunk maxID parameter$/);
  fails(() => collectVlanTrunk([{ minID: 9, maxID: 5 }]), 7, /^minID is greater than maxID in trunk parameter$/);
  fails(() => collectVlanTrunk([{ maxID: 5 }]), 7, /minID is missing/);
  fails(() => collectVlanTrunk([{ minID: 5 }]), 7, /maxID is missing/);
  fails(() => collectVlanTrunk([{ id: 0 }]), 7, /^incorrect trunk id parameter$/);
  fails(() => collectVlanTrunk([{ id: 5000 }]), 7, /^incorrect trunk id parameter$/);
  fails(() => collectVlanTrunk({ id: 5 }), 7, /must be an array/);
});

test('MAC precedence: CNI_ARGS < args.cni.mac < runtimeConfig.mac', () => {
  const envOnly = parseBridgeConfig(base(), 'MAC=0A:00:00:00:00:01').settings.mac;
  assert.is(envOnly, '0a:00:00:00:00:01');
  const args = parseBridgeConfig(base({ args: { cni: { mac: '0a:00:00:00:00:02' } } }), 'MAC=0a:00:00:00:00:01').settings.mac;
  assert.is(args, '0a:00:00:00:00:02');
  const rc = parseBridgeConfig(base({ args: { cni: { mac: '0a:00:00:00:00:02' } }, runtimeConfig: { mac: '0a-00-00-00-00-03' } }), 'MAC=0a:00:00:00:00:01').settings.mac;
  assert.is(rc, '0a:00:00:00:00:03');
  fails(() => parseBridgeConfig(base({ runtimeConfig: { mac: 'nope' } }), ''), 7, /invalid MAC address "nope" in runtimeConfig.mac/);
  fails(() => parseBridgeConfig(base(), 'FOO=1'), 4, /unknown key "FOO"/);
  assert.is(parseBridgeConfig(base(), 'FOO=1;IgnoreUnknown=1').settings.mac, undefined);
});

test('wrong types are code 7 naming the key', () => {
  fails(() => parseBridgeConfig(base({ hairpinMode: 'true' }), ''), 7, /"hairpinMode" must be a boolean/);
  fails(() => parseBridgeConfig(base({ mtu: 1500.5 }), ''), 7, /"mtu" must be an integer/);
  fails(() => parseBridgeConfig(base({ bridge: 7 }), ''), 7, /"bridge" must be a string/);
  fails(() => parseBridgeConfig(base({ bridge: 'a-name-that-is-too-long' }), ''), 7, /invalid bridge name/);
});

test('ipMasq, ipMasqBackend and macspoofchk parse; an unknown backend is code 7 only when ipMasq is on', () => {
  const s = parseBridgeConfig(base({ ipMasq: true, ipMasqBackend: 'nftables', macspoofchk: true }), '').settings;
  assert.is(s.ipMasqBackend, 'nftables');
  assert.ok(s.macspoofchk);
  checkMasqSettings(s);
  checkMasqSettings({ ...s, ipMasqBackend: 'iptables' });
  checkMasqSettings({ ...s, ipMasqBackend: undefined });
  fails(() => checkMasqSettings({ ...s, ipMasqBackend: 'firewalld' }), 7, /^unknown ipmasq backend "firewalld"$/);
  checkMasqSettings({ ...s, ipMasq: false, ipMasqBackend: 'firewalld' });
});

test.run();
