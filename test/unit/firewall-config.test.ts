/** firewall config: defaults, the accepted values of backend and ingressPolicy, admin chain names. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFirewallConfig } from '../../src/plugins/meta/firewall/config.js';
import { CniError } from '../../src/spec/errors.js';
import type { NetConf } from '../../src/spec/types.js';

const base: NetConf = { cniVersion: '1.1.0', name: 'net', type: 'firewall' };
const parse = (extra: Record<string, unknown>) => parseFirewallConfig({ ...base, ...extra }).settings;

function code(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof CniError ? Number(err.code) : -1;
  }
  return undefined;
}

test('defaults: backend auto (chosen by the host at run time), CNI-ADMIN, open, trusted', () => {
  assert.equal(parse({}), { backend: 'auto', adminChain: 'CNI-ADMIN', ingressPolicy: 'open', firewalldZone: 'trusted' });
});

test('null and empty strings mean absent, like Go zero values', () => {
  assert.equal(parse({ backend: '', ingressPolicy: null, iptablesAdminChainName: '' }), parse({}));
});

test('every backend and policy of the reference (and nftables) is accepted', () => {
  for (const backend of ['nftables', 'iptables', 'firewalld']) assert.is(parse({ backend }).backend, backend);
  for (const ingressPolicy of ['open', 'same-bridge', 'isolated']) assert.is(parse({ ingressPolicy }).ingressPolicy, ingressPolicy);
  assert.is(parse({ iptablesAdminChainName: 'MY-ADMIN_1' }).adminChain, 'MY-ADMIN_1');
  assert.is(parse({ firewalldZone: 'public' }).firewalldZone, 'public');
});

test('unknown values and wrong types are code 7', () => {
  assert.is(code(() => parse({ backend: 'pf' })), 7);
  assert.is(code(() => parse({ ingressPolicy: 'closed' })), 7);
  assert.is(code(() => parse({ backend: 1 })), 7);
  assert.is(code(() => parse({ ingressPolicy: true })), 7);
});

test('iptablesAdminChainName must be a usable chain name', () => {
  for (const bad of ['has space', '-X', 'A'.repeat(29), 'DROP', 'RETURN', 'a"b']) assert.is(code(() => parse({ iptablesAdminChainName: bad })), 7, bad);
  assert.is(parse({ iptablesAdminChainName: 'A'.repeat(28) }).adminChain.length, 28);
});

test('the other keys of the configuration are kept', () => {
  const conf = parseFirewallConfig({ ...base, prevResult: { cniVersion: '1.1.0' } });
  assert.equal(conf.prevResult, { cniVersion: '1.1.0' });
  assert.is(conf.name, 'net');
});

test.run();
