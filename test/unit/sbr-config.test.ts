/** sbr: config parsing (table, gateways, addSourceHints), the reference's messages, address selection, table choice. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSbrConfig } from '../../src/plugins/meta/sbr/config.js';
import { addressesOf } from '../../src/plugins/meta/sbr/verbs.js';
import { hostPrefix, nextFreeTable } from '../../src/plugins/meta/sbr/source-routing.js';
import { cniErrorOf } from '../helpers/errors.js';

const base = (extra: Record<string, unknown> = {}) => ({ cniVersion: '1.0.0', name: 'n', type: 'sbr', ...extra });

test('defaults and keys', () => {
  assert.equal(parseSbrConfig(base()).settings, { addSourceHints: false });
  assert.equal(parseSbrConfig(base({ table: 4000, gateways: ['fd00::1', '10.0.0.1'], addSourceHints: true })).settings, {
    addSourceHints: true,
    table: 4000,
    gatewayV6: 'fd00::1',
    gatewayV4: '10.0.0.1',
  });
});

test("errors: the reference's wording for gateways; table ids; types (all code 7)", () => {
  for (const [raw, msg] of [
    [base({ gateways: ['1.1.1.1', '2.2.2.2'] }), 'gateways list contains multiple IPv4 addresses: 1.1.1.1 and 2.2.2.2'],
    [base({ gateways: ['fd00::1', 'fd00::2'] }), 'gateways list contains multiple IPv6 addresses: fd00::1 and fd00::2'],
    [base({ gateways: ['1.1.1.1', 'fd00::1', '2.2.2.2'] }), 'gateways list cannot contain more than 2 entries (one IPv4, one IPv6)'],
    [base({ gateways: ['10.0.0.300'] }), 'invalid static gateway IP address: 10.0.0.300'],
    [base({ gateways: '10.0.0.1' }), /"gateways" must be an array of strings/],
    [base({ addSourceHints: 'yes' }), /"addSourceHints" must be a boolean/],
    [base({ table: 254 }), /"table" must be a routing table id/],
    [base({ table: 0 }), /"table" must be a routing table id/],
    [base({ table: 1.5 }), /"table" must be an integer/],
  ] as const) {
    const err = cniErrorOf(() => parseSbrConfig(raw as never));
    assert.is(err.code, 7);
    if (typeof msg === 'string') assert.is(err.message, msg);
    else assert.match(err.message, msg);
  }
});

test('addresses of the interface: by interface index, or unattributed; none at all is an error', () => {
  const prev = {
    cniVersion: '1.0.0',
    interfaces: [{ name: 'veth1' }, { name: 'eth0' }, { name: 'eth1' }],
    ips: [{ interface: 1, address: '10.0.0.2/24' }, { interface: 2, address: '10.1.0.2/24' }, { address: '10.2.0.2/24' }, { interface: 9, address: '10.3.0.2/24' }],
  };
  assert.equal(addressesOf(prev, 'eth0').map((i) => i.address), ['10.0.0.2/24', '10.2.0.2/24', '10.3.0.2/24']);
  assert.is(cniErrorOf(() => addressesOf({ cniVersion: '1.0.0', ips: [] }, 'eth0')).message, 'No IP addresses supplied on interface: eth0');
});

test('table choice: the first id from 100 up that nothing uses; rule sources are host prefixes', () => {
  assert.is(nextFreeTable(new Set([254, 255]), 100), 100);
  assert.is(nextFreeTable(new Set([100, 101, 103]), 100), 102);
  assert.is(nextFreeTable(new Set([100, 101, 103]), 103), 104);
  assert.is(hostPrefix('10.0.0.2/24'), '10.0.0.2/32');
  assert.is(hostPrefix('fd00::2/64'), 'fd00::2/128');
});

test.run();
