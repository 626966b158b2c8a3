import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IpAddress, InvalidIpError } from '../../src/lib/ip/index.js';

const fmt = (s: string) => IpAddress.parse(s).toString();

test('IPv4 parse/format round trip', () => {
  for (const s of ['0.0.0.0', '10.1.2.3', '255.255.255.255', '192.168.0.1']) assert.is(fmt(s), s);
});

test('IPv4 rejects leading zeros, out of range and junk (as Go)', () => {
  for (const s of ['010.1.1.1', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.-1', '', ' 1.2.3.4', '1.2.3.4/24', 'a.b.c.d']) {
    assert.is(IpAddress.tryParse(s), undefined, s);
  }
});

test('IPv6 is printed like Go net.IP.String()', () => {
  const cases: [string, string][] = [
    ['::', '::'],
    ['::1', '::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['3ffe:ffff:0:01ff::0010', '3ffe:ffff:0:1ff::10'],
    // a single zero group is not compressed; the first of equal runs is
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['1::', '1::'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::1.2.3.4', '::102:304'],
    ['fe80::1:2', 'fe80::1:2'],
  ];
  for (const [input, want] of cases) assert.is(fmt(input), want, input);
});

test('IPv6 rejects malformed text', () => {
  for (const s of [':::', '1::2::3', '1:2:3:4:5:6:7:8::', '1:2:3:4:5:6:7', '12345::', 'fe80::1%eth0', 'g::1', '::1.2.3', '1:2:3:4:5:6:7:8:9']) {
    assert.is(IpAddress.tryParse(s), undefined, s);
  }
});

test('IPv4-mapped IPv6 canonicalises to IPv4 (Go canonicalizeIP)', () => {
  const ip = IpAddress.parse('::ffff:10.1.2.3');
  assert.is(ip.family, 4);
  assert.is(ip.toString(), '10.1.2.3');
  assert.is(IpAddress.parseExact('::ffff:10.1.2.3')!.family, 6);
  assert.is(IpAddress.parseExact('::ffff:10.1.2.3')!.toString(), '10.1.2.3');
});

test('parse throws InvalidIpError with Go wording', () => {
  assert.throws(() => IpAddress.parse('nope'), (e: unknown) => e instanceof InvalidIpError && e.message === 'invalid IP address: nope');
});

test('next/prev for v4 and v6, with carries and the ends of the space', () => {
  assert.is(IpAddress.parse('10.0.0.255').next()!.toString(), '10.0.1.0');
  assert.is(IpAddress.parse('10.0.1.0').prev()!.toString(), '10.0.0.255');
  assert.is(IpAddress.parse('255.255.255.255').next(), undefined);
  assert.is(IpAddress.parse('0.0.0.0').prev(), undefined);
  assert.is(IpAddress.parse('2001:db8::ffff').next()!.toString(), '2001:db8::1:0');
  assert.is(IpAddress.parse('2001:db8::1:0').prev()!.toString(), '2001:db8::ffff');
  assert.is(IpAddress.parse('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff').next(), undefined);
  assert.is(IpAddress.parse('::').prev(), undefined);
  assert.is(IpAddress.parse('0.0.0.1').add(-2n), undefined);
  assert.is(IpAddress.parse('10.0.0.1').add(-2n)!.toString(), '9.255.255.255');
  assert.is(IpAddress.parse('10.0.0.1').add(254n)!.toString(), '10.0.0.255');
});

test('compare and equals', () => {
  const a = IpAddress.parse('10.0.0.2');
  const b = IpAddress.parse('10.0.0.10');
  assert.is(a.compare(b), -1);
  assert.is(b.compare(a), 1);
  assert.is(a.compare(IpAddress.parse('10.0.0.2')), 0);
  assert.ok(a.equals(IpAddress.parse('10.0.0.2')));
  assert.not.ok(a.equals(undefined));
  // v4 0.0.0.1 and v6 ::1 have the same value but are different addresses
  assert.not.ok(IpAddress.parse('0.0.0.1').equals(IpAddress.parse('::1')));
  assert.is(IpAddress.parse('255.255.255.255').compare(IpAddress.parse('::')), -1);
});

test('IpAddress.of checks the range', () => {
  assert.throws(() => IpAddress.of(4, 1n << 32n), RangeError);
  assert.is(IpAddress.of(6, 1n).toString(), '::1');
});

test.run();
