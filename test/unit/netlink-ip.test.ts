/** IP / CIDR / MAC text handling (RFC 5952 output, like Go's netip and iproute2). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatCidr, formatIp, ipv4Broadcast, maskCidr, parseCidr, parseIp } from '../../src/netlink/codec/ip.js';
import { formatMac, parseMac } from '../../src/netlink/codec/mac.js';

const v6 = (s: string) => formatIp(parseIp(s).bytes);

const isTypeError = (e: unknown) => e instanceof TypeError;

test('IPv6 formatting follows RFC 5952', () => {
  const cases: [string, string][] = [
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'], // lowercase, longest zero run
    ['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'], // first of two equal runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not shortened
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longer run wins
    ['fe80::0001', 'fe80::1'], // leading zeros dropped
    ['1:0:0:0:0:0:0:0', '1::'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['::ffff:10.0.0.1', '::ffff:10.0.0.1'], // IPv4-mapped in mixed notation
    ['::ffff:a00:1', '::ffff:10.0.0.1'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['fd00:0:0:0:0:0:0:0', 'fd00::'],
  ];
  for (const [input, want] of cases) assert.is(v6(input), want, input);
});

test('IPv4 parse/format and bytes', () => {
  assert.equal(parseIp('10.1.2.3'), { family: 4, bytes: Buffer.from([10, 1, 2, 3]) });
  assert.is(formatIp(Buffer.from([192, 168, 0, 1])), '192.168.0.1');
  assert.is(parseIp('fd00::1').bytes.length, 16);
});

test('invalid addresses are TypeErrors', () => {
  for (const bad of ['', '1.2.3', '256.1.1.1', '1::2::3', 'fe80::1%eth0', 'abc', '10.0.0.1 ']) {
    assert.throws(() => parseIp(bad), isTypeError, JSON.stringify(bad));
  }
  assert.throws(() => formatIp(Buffer.alloc(5)), isTypeError);
});

test('CIDR parse keeps host bits; mask clears them; broadcast', () => {
  const c = parseCidr('10.1.2.3/16');
  assert.is(c.prefixLen, 16);
  assert.is(formatCidr(c), '10.1.2.3/16');
  assert.is(formatCidr(maskCidr(c)), '10.1.0.0/16');
  assert.is(formatCidr(maskCidr(parseCidr('fd00:1:2:3:4::9/61'))), 'fd00:1:2::/61');
  assert.is(formatCidr(maskCidr(parseCidr('10.0.0.255/0'))), '0.0.0.0/0');
  assert.is(formatIp(ipv4Broadcast(parseIp('10.0.0.2').bytes, 24)), '10.0.0.255');
  assert.is(formatIp(ipv4Broadcast(parseIp('10.0.0.2').bytes, 0)), '255.255.255.255');
  for (const bad of ['10.0.0.1', '10.0.0.1/33', 'fd00::/129', '10.0.0.1/', '10.0.0.1/a', '10.0.0.1/-1', 'x/8']) {
    assert.throws(() => parseCidr(bad), isTypeError, bad);
  }
});

test('MAC parse/format', () => {
  assert.equal(parseMac('AA:bb:0c:0D:ee:FF'), Buffer.from([0xaa, 0xbb, 0x0c, 0x0d, 0xee, 0xff]));
  assert.equal(parseMac('02-00-00-00-00-01'), Buffer.from([2, 0, 0, 0, 0, 1]));
  assert.is(formatMac(Buffer.from([0xaa, 0xbb, 0x0c, 0x0d, 0xee, 0xff])), 'aa:bb:0c:0d:ee:ff');
  assert.is(parseMac('00:00:5e:10:00:00:00:01').length, 8, 'EUI-64');
  for (const bad of ['', 'aa:bb:cc:dd:ee', 'aa:bb:cc:dd:ee:fg', 'aa:bb-cc:dd:ee:ff', 'aabb.ccdd.eeff', 'a:b:c:d:e:f']) {
    assert.throws(() => parseMac(bad), isTypeError, bad);
  }
});

test.run();
