/** bridge gateway planning (the reference's calcGateways) on plain Results. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planGateways } from '../../src/plugins/main/bridge/gateways.js';
import type { Result } from '../../src/spec/types.js';

const ipam = (): Result => ({
  cniVersion: '1.1.0',
  ips: [{ address: '10.1.2.5/24' }, { address: 'fd00:1::5/64', gateway: 'fd00:1::fe' }],
  routes: [{ dst: '192.168.0.0/16' }],
});

test('without isGateway: ips point at the container, nothing else changes', () => {
  const r = ipam();
  const plan = planGateways(r, { isGateway: false, isDefaultGateway: false });
  assert.equal(r.ips, [{ address: '10.1.2.5/24', interface: 2 }, { address: 'fd00:1::5/64', gateway: 'fd00:1::fe', interface: 2 }]);
  assert.equal(r.routes, [{ dst: '192.168.0.0/16' }]);
  assert.equal(plan[4], []);
  assert.equal(plan[6], []);
});

test('isGateway: missing gateway is network+1; bridge addresses keep the prefix', () => {
  const r = ipam();
  const plan = planGateways(r, { isGateway: true, isDefaultGateway: false });
  assert.is(r.ips![0]!.gateway, '10.1.2.1');
  assert.is(r.ips![1]!.gateway, 'fd00:1::fe');
  assert.equal(plan[4].map(String), ['10.1.2.1/24']);
  assert.equal(plan[6].map(String), ['fd00:1::fe/64']);
});

test('isDefaultGateway adds one default route per family unless IPAM has one with a gateway', () => {
  const r = ipam();
  r.routes!.push({ dst: '::/0', gw: 'fd00:1::1' });
  planGateways(r, { isGateway: true, isDefaultGateway: true });
  assert.equal(r.routes, [{ dst: '192.168.0.0/16' }, { dst: '::/0', gw: 'fd00:1::1' }, { dst: '0.0.0.0/0', gw: '10.1.2.1' }]);

  const two: Result = { cniVersion: '1.1.0', ips: [{ address: '10.1.2.5/24' }, { address: '10.9.0.5/16' }] };
  planGateways(two, { isGateway: true, isDefaultGateway: true });
  assert.equal(two.routes, [{ dst: '0.0.0.0/0', gw: '10.1.2.1' }], 'only the first address of a family gives the default route');
});

test.run();
