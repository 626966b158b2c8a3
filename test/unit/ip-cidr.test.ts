import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IpAddress, IpNet, parseRoutes } from '../../src/lib/ip/index.js';

const ip = (s: string) => IpAddress.parse(s);

test('parse keeps the host address, network()/broadcast() derive the block', () => {
  const n = IpNet.parse('10.1.2.3/16');
  assert.is(n.toString(), '10.1.2.3/16');
  assert.is(n.network().toString(), '10.1.0.0');
  assert.is(n.broadcast().toString(), '10.1.255.255');
  assert.is(n.masked().toString(), '10.1.0.0/16');
  assert.is(n.size(), 65536n);
  assert.not.ok(n.isNetworkAddress());
  assert.ok(IpNet.parse('10.1.0.0/16').isNetworkAddress());
});

test('IPv6 network and last address', () => {
  const n = IpNet.parse('2001:DB8:1::24:19ff:fee1:c44a/64');
  assert.is(n.network().toString(), '2001:db8:1::');
  assert.is(n.broadcast().toString(), '2001:db8:1:0:ffff:ffff:ffff:ffff');
  assert.is(IpNet.parse('2001:DB8:24:19ff::/63').network().toString(), '2001:db8:24:19fe::');
  assert.is(IpNet.parse('::/0').size(), 1n << 128n);
});

test('contains: same family and network bits; v4-mapped counts as v4', () => {
  const n = IpNet.parse('10.1.0.0/16');
  assert.ok(n.contains(ip('10.1.255.255')));
  assert.ok(n.contains(ip('10.1.0.0')));
  assert.not.ok(n.contains(ip('10.2.0.0')));
  assert.not.ok(n.contains(ip('::a01:1')));
  assert.ok(n.contains(IpAddress.parseExact('::ffff:10.1.2.3')!));
  assert.ok(IpNet.parse('0.0.0.0/0').contains(ip('1.2.3.4')));
  assert.ok(IpNet.parse('2001:db8::/32').contains(ip('2001:db8:ffff::1')));
});

test('edge prefixes', () => {
  const n = IpNet.parse('192.0.2.7/32');
  assert.is(n.network().toString(), '192.0.2.7');
  assert.is(n.broadcast().toString(), '192.0.2.7');
  assert.is(IpNet.parse('192.0.2.0/31').broadcast().toString(), '192.0.2.1');
});

test('rejects malformed CIDRs', () => {
  for (const s of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/08', '::/129', 'x/8', '10.0.0.0/', '/8']) {
    assert.is(IpNet.tryParse(s), undefined, s);
  }
  assert.throws(() => IpNet.parse('10.0.0.0'), /invalid CIDR address: 10\.0\.0\.0/);
});

test('parseRoutes canonicalises and names bad fields', () => {
  assert.equal(parseRoutes(undefined, 'ipam.routes'), []);
  assert.equal(parseRoutes([{ dst: '0.0.0.0/0' }, { dst: '3ffe:ffff:0:01ff::1/64', gw: '3FFE::1', priority: 5 }], 'ipam.routes'), [
    { dst: '0.0.0.0/0' },
    { dst: '3ffe:ffff:0:1ff::1/64', gw: '3ffe::1', priority: 5 },
  ]);
  assert.throws(() => parseRoutes([{ dst: '10.0.0.0' }], 'ipam.routes'), /ipam\.routes\[0\]\.dst: invalid CIDR address: 10\.0\.0\.0/);
  assert.throws(() => parseRoutes([{ dst: '10.0.0.0/8', gw: 'x' }], 'ipam.routes'), /ipam\.routes\[0\]\.gw: invalid IP address: x/);
  assert.throws(() => parseRoutes({}, 'ipam.routes'), /ipam\.routes: expected an array of routes/);
  assert.throws(() => parseRoutes([{ dst: '10.0.0.0/8', mtu: '1500' }], 'ipam.routes'), /ipam\.routes\[0\]\.mtu: expected an integer/);
});

test.run();
