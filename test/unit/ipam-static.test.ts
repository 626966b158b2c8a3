import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { plugin } from '../../src/plugins/ipam/static/index.js';
import { expectCniError, invoke } from '../helpers/ipam.js';

const conf = (ipam: object, extra: object = {}) => ({ cniVersion: '1.1.0', name: 'mynet', type: 'bridge', ipam: { type: 'static', ...ipam }, ...extra });
const call = { containerId: 'c1', ifName: 'eth0' };

const full = conf({
  addresses: [
    { address: '10.10.0.1/24', gateway: '10.10.0.254' },
    { address: '3ffe:ffff:0:01ff::1/64', gateway: '3ffe:ffff:0::1' },
  ],
  routes: [{ dst: '0.0.0.0/0' }, { dst: '192.168.0.0/16', gw: '10.10.5.1' }, { dst: '3ffe:ffff:0:01ff::1/64' }],
  dns: { nameservers: ['8.8.8.8'], domain: 'example.com', search: ['example.com'] },
});

test('ADD returns the configured addresses, routes and dns', async () => {
  assert.equal(await invoke(plugin, 'ADD', full, call), {
    cniVersion: '1.1.0',
    ips: [
      { address: '10.10.0.1/24', gateway: '10.10.0.254' },
      { address: '3ffe:ffff:0:1ff::1/64', gateway: '3ffe:ffff::1' },
    ],
    routes: [{ dst: '0.0.0.0/0' }, { dst: '192.168.0.0/16', gw: '10.10.5.1' }, { dst: '3ffe:ffff:0:1ff::1/64' }],
    dns: { nameservers: ['8.8.8.8'], domain: 'example.com', search: ['example.com'] },
  });
});

test('CNI_ARGS IP (comma list) is added; GATEWAY applies to the CNI_ARGS addresses containing it', async () => {
  const r = await invoke(plugin, 'ADD', conf({ addresses: [{ address: '10.10.0.1/24' }] }), { ...call, args: 'IP=10.20.0.5/24, 2001:db8::5/64;GATEWAY=10.20.0.1,10.10.0.254' });
  assert.equal(r!.ips, [{ address: '10.10.0.1/24' }, { address: '10.20.0.5/24', gateway: '10.20.0.1' }, { address: '2001:db8::5/64' }]);
});

test('args.cni.ips replaces config and CNI_ARGS; runtimeConfig.ips replaces everything', async () => {
  const base = conf({ addresses: [{ address: 'not-a-cidr' }] }, { args: { cni: { ips: ['10.30.0.3/24'] } } });
  const r1 = await invoke(plugin, 'ADD', base, { ...call, args: 'IP=10.20.0.5/24' });
  assert.equal(r1!.ips, [{ address: '10.30.0.3/24' }], 'replaced config addresses are never parsed');
  const r2 = await invoke(plugin, 'ADD', { ...base, runtimeConfig: { ips: ['10.40.0.4/16'] } }, call);
  assert.equal(r2!.ips, [{ address: '10.40.0.4/16' }]);
  const r3 = await invoke(plugin, 'ADD', conf({ addresses: [{ address: '10.10.0.1/24' }] }, { args: { cni: { ips: [] } } }), call);
  assert.equal(r3!.ips, [{ address: '10.10.0.1/24' }], 'an empty list replaces nothing');
});

test('validation errors keep the reference wording, prefixed by the field', async () => {
  await expectCniError(() => invoke(plugin, 'ADD', { cniVersion: '1.1.0', name: 'n', type: 't' }, call), 7, "IPAM config missing 'ipam' key");
  await expectCniError(() => invoke(plugin, 'ADD', conf({ addresses: [{ address: '10.10.0.1' }] }), call), 7, "ipam.addresses[0].address: the 'address' field is expected to be in CIDR notation, got: '10.10.0.1'");
  await expectCniError(() => invoke(plugin, 'ADD', conf({ addresses: [{ address: '10.10.0.1/24', gateway: 'x' }] }), call), 7, 'ipam.addresses[0].gateway: invalid IP address: x');
  await expectCniError(() => invoke(plugin, 'ADD', conf({}), { ...call, args: 'IP=10.10.0.1' }), 4, "CNI_ARGS IP: the 'ip' field is expected to be in CIDR notation, got: '10.10.0.1'");
  await expectCniError(() => invoke(plugin, 'ADD', conf({}), { ...call, args: 'IP=10.10.0.1/24;GATEWAY=nope' }), 4, 'CNI_ARGS GATEWAY: invalid gateway address: nope');
  await expectCniError(() => invoke(plugin, 'ADD', conf({}, { args: { cni: { ips: ['10.0.0.1'] } } }), call), 7, "args.cni.ips[0]: an entry in the 'ips' field is NOT in CIDR notation, got: '10.0.0.1'");
  await expectCniError(() => invoke(plugin, 'ADD', conf({}, { runtimeConfig: { ips: ['x/1'] } }), call), 7, "runtimeConfig.ips[0]: an entry in the 'ips' field is NOT in CIDR notation, got: 'x/1'");
  await expectCniError(() => invoke(plugin, 'ADD', conf({ routes: [{ dst: 'x' }] }), call), 7, 'ipam.routes[0].dst: invalid CIDR address: x');
  await expectCniError(() => invoke(plugin, 'ADD', conf({ dns: { nameservers: 'x' } }), call), 7, 'ipam.dns.nameservers: expected an array of strings');
  const two = { addresses: [{ address: '10.0.0.1/24' }, { address: '10.0.1.1/24' }] };
  await expectCniError(() => invoke(plugin, 'ADD', conf(two, { cniVersion: '0.2.0' }), call), 7, 'CNI version 0.2.0 does not support more than 1 address per family');
  await invoke(plugin, 'ADD', conf(two, { cniVersion: '0.3.1' }), call);
});

test('DEL is a no-op that never fails on config', async () => {
  await invoke(plugin, 'DEL', { cniVersion: '1.1.0', name: 'n', type: 't' }, call);
  await invoke(plugin, 'DEL', conf({ addresses: [{ address: 'bad' }] }), call);
});

test('CHECK compares addresses and gateways with prevResult', async () => {
  const prevResult = {
    cniVersion: '1.1.0',
    ips: [
      { address: '10.10.0.1/24', gateway: '10.10.0.254' },
      { address: '3ffe:ffff:0:1ff::1/64', gateway: '3FFE:FFFF::1' },
    ],
  };
  await invoke(plugin, 'CHECK', { ...full, prevResult }, call);
  await expectCniError(() => invoke(plugin, 'CHECK', full, call), 7, 'Required prevResult missing');
  const wrongGw = { ...prevResult, ips: [{ address: '10.10.0.1/24', gateway: '10.10.0.1' }, prevResult.ips[1]] };
  await expectCniError(() => invoke(plugin, 'CHECK', { ...full, prevResult: wrongGw }, call), 999, 'static: Failed to match addr 10.10.0.1 on interface eth0');
  const missing = { ...prevResult, ips: [prevResult.ips[0]] };
  await expectCniError(() => invoke(plugin, 'CHECK', { ...full, prevResult: missing }, call), 999, 'static: address 3ffe:ffff:0:1ff::1 not found in prevResult for interface eth0');
});

test.run();
