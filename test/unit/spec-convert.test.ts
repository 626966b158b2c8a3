import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convertResult, formatResult, parseResult } from '../../src/spec/convert.js';
import { CniError } from '../../src/spec/errors.js';
import type { Result } from '../../src/spec/types.js';
import { isIPv6, SocketAddress } from 'node:net';
import { cniErrorOf } from '../helpers/errors.js';

const VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;
type V = (typeof VERSIONS)[number];
const is02 = (v: V) => v === '0.1.0' || v === '0.2.0';
const is04 = (v: V) => v === '0.3.0' || v === '0.3.1' || v === '0.4.0';

/** A dual-stack bridge-like result using every 1.1.0 field. */
const FULL: Result = {
  cniVersion: '1.1.0',
  interfaces: [
    { name: 'cni0', mac: '0a:00:00:00:00:01' },
    { name: 'veth1', mac: '0a:00:00:00:00:02' },
    { name: 'eth0', mac: '0a:00:00:00:00:03', mtu: 1450, sandbox: '/run/netns/c1', socketPath: '/run/vhost.sock', pciID: '0000:00:01.0' },
  ],
  ips: [
    { interface: 2, address: '10.1.0.5/16', gateway: '10.1.0.1' },
    { interface: 2, address: '10.1.0.6/16' },
    { interface: 2, address: '2001:db8::5/64', gateway: '2001:db8::1' },
  ],
  routes: [
    { dst: '0.0.0.0/0', gw: '10.1.0.1', mtu: 1400, advmss: 1360, priority: 10, table: 100, scope: 0 },
    { dst: '::/0', gw: '2001:db8::1' },
    { dst: '192.168.0.0/16' },
  ],
  dns: { nameservers: ['10.1.0.1'], domain: 'example.org', search: ['example.org'], options: ['ndots:2'] },
};

const DNS = '"dns":{"nameservers":["10.1.0.1"],"domain":"example.org","search":["example.org"],"options":["ndots:2"]}';

const E110_FULL =
  '{"cniVersion":"1.1.0","interfaces":[{"name":"cni0","mac":"0a:00:00:00:00:01"},{"name":"veth1","mac":"0a:00:00:00:00:02"},' +
  '{"name":"eth0","mac":"0a:00:00:00:00:03","mtu":1450,"sandbox":"/run/netns/c1","socketPath":"/run/vhost.sock","pciID":"0000:00:01.0"}],' +
  '"ips":[{"interface":2,"address":"10.1.0.5/16","gateway":"10.1.0.1"},{"interface":2,"address":"10.1.0.6/16"},{"interface":2,"address":"2001:db8::5/64","gateway":"2001:db8::1"}],' +
  '"routes":[{"dst":"0.0.0.0/0","gw":"10.1.0.1","mtu":1400,"advmss":1360,"priority":10,"table":100,"scope":0},{"dst":"::/0","gw":"2001:db8::1"},{"dst":"192.168.0.0/16"}],' +
  `${DNS}}`;

/** 1.0.0 (or 1.1.0 after passing through 1.0.0 / 0.x): no 1.1-only fields. */
const E1x_BASIC = (v: string) =>
  `{"cniVersion":"${v}","interfaces":[{"name":"cni0","mac":"0a:00:00:00:00:01"},{"name":"veth1","mac":"0a:00:00:00:00:02"},` +
  '{"name":"eth0","mac":"0a:00:00:00:00:03","sandbox":"/run/netns/c1"}],' +
  '"ips":[{"interface":2,"address":"10.1.0.5/16","gateway":"10.1.0.1"},{"interface":2,"address":"10.1.0.6/16"},{"interface":2,"address":"2001:db8::5/64","gateway":"2001:db8::1"}],' +
  '"routes":[{"dst":"0.0.0.0/0","gw":"10.1.0.1"},{"dst":"::/0","gw":"2001:db8::1"},{"dst":"192.168.0.0/16"}],' +
  `${DNS}}`;

const E04x = (v: string) =>
  `{"cniVersion":"${v}","interfaces":[{"name":"cni0","mac":"0a:00:00:00:00:01"},{"name":"veth1","mac":"0a:00:00:00:00:02"},` +
  '{"name":"eth0","mac":"0a:00:00:00:00:03","sandbox":"/run/netns/c1"}],' +
  '"ips":[{"version":"4","interface":2,"address":"10.1.0.5/16","gateway":"10.1.0.1"},{"version":"4","interface":2,"address":"10.1.0.6/16"},' +
  '{"version":"6","interface":2,"address":"2001:db8::5/64","gateway":"2001:db8::1"}],' +
  '"routes":[{"dst":"0.0.0.0/0","gw":"10.1.0.1"},{"dst":"::/0","gw":"2001:db8::1"},{"dst":"192.168.0.0/16"}],' +
  `${DNS}}`;

/** 0.1.0/0.2.0: first v4 and first v6 only, routes under their family. */
const E02 = (v: string) =>
  `{"cniVersion":"${v}","ip4":{"ip":"10.1.0.5/16","gateway":"10.1.0.1","routes":[{"dst":"0.0.0.0/0","gw":"10.1.0.1"},{"dst":"192.168.0.0/16"}]},` +
  '"ip6":{"ip":"2001:db8::5/64","gateway":"2001:db8::1","routes":[{"dst":"::/0","gw":"2001:db8::1"}]},' +
  `${DNS}}`;

/** What survives a trip through 0.2.0, written as 0.3.x/0.4.0: no interfaces, routes ip4 then ip6. */
const E04x_FROM_02 = (v: string) =>
  `{"cniVersion":"${v}","ips":[{"version":"4","address":"10.1.0.5/16","gateway":"10.1.0.1"},{"version":"6","address":"2001:db8::5/64","gateway":"2001:db8::1"}],` +
  '"routes":[{"dst":"0.0.0.0/0","gw":"10.1.0.1"},{"dst":"192.168.0.0/16"},{"dst":"::/0","gw":"2001:db8::1"}],' +
  `${DNS}}`;

const E1x_FROM_02 = (v: string) =>
  `{"cniVersion":"${v}","ips":[{"address":"10.1.0.5/16","gateway":"10.1.0.1"},{"address":"2001:db8::5/64","gateway":"2001:db8::1"}],` +
  '"routes":[{"dst":"0.0.0.0/0","gw":"10.1.0.1"},{"dst":"192.168.0.0/16"},{"dst":"::/0","gw":"2001:db8::1"}],' +
  `${DNS}}`;

function expected(from: V, to: V): string {
  if (is02(from) || is02(to)) return is02(to) ? E02(to) : is04(to) ? E04x_FROM_02(to) : E1x_FROM_02(to);
  if (is04(to)) return E04x(to);
  if (to === '1.1.0' && from === '1.1.0') return E110_FULL;
  return E1x_BASIC(to);
}

const json = (x: unknown) => JSON.stringify(x);

test('formatResult writes the internal result as every version, in the reference key order', () => {
  assert.is(json(formatResult(FULL, '1.1.0')), E110_FULL);
  assert.is(json(formatResult(FULL, '1.0.0')), E1x_BASIC('1.0.0'));
  for (const v of ['0.3.0', '0.3.1', '0.4.0']) assert.is(json(formatResult(FULL, v)), E04x(v));
  for (const v of ['0.1.0', '0.2.0']) assert.is(json(formatResult(FULL, v)), E02(v));
});

for (const from of VERSIONS) {
  for (const to of VERSIONS) {
    test(`convertResult ${from} -> ${to} (dual stack, routes of both families)`, () => {
      const source = JSON.parse(json(formatResult(FULL, from))) as unknown;
      assert.is(json(convertResult(source, from, to)), expected(from, to));
    });
  }
}

test('parseResult always yields the internal 1.1.0 shape', () => {
  const r = parseResult(JSON.parse(E04x('0.4.0')), '0.4.0');
  assert.is(r.cniVersion, '1.1.0');
  assert.equal(r.ips![0], { interface: 2, address: '10.1.0.5/16', gateway: '10.1.0.1' });
  assert.not.ok('version' in r.ips![0]!);
});

test('a result without cniVersion takes the fallback version', () => {
  const r020 = { ip4: { ip: '10.0.0.2/24', gateway: '10.0.0.1' } };
  assert.equal(parseResult(r020, '0.2.0').ips, [{ address: '10.0.0.2/24', gateway: '10.0.0.1' }]);
  const r100 = { ips: [{ address: '10.0.0.2/24' }] };
  assert.equal(parseResult(r100, '1.0.0').ips, [{ address: '10.0.0.2/24' }]);
  // No version at all: 0.1.0 shape (ips is not a 0.1.0 key, so nothing is read).
  assert.equal(parseResult({ ip4: { ip: '10.0.0.2/24' } }, '').ips, [{ address: '10.0.0.2/24' }]);
});

test('v4-only result to 0.2.0 has no ip6 and loses v6 routes', () => {
  const r: Result = { cniVersion: '1.1.0', ips: [{ address: '10.0.0.2/24' }], routes: [{ dst: '0.0.0.0/0', gw: '10.0.0.1' }, { dst: '2001:db8::/32' }] };
  assert.is(json(formatResult(r, '0.2.0')), '{"cniVersion":"0.2.0","ip4":{"ip":"10.0.0.2/24","routes":[{"dst":"0.0.0.0/0","gw":"10.0.0.1"}]},"dns":{}}');
});

test('v6-only result to 0.1.0 has no ip4', () => {
  const r: Result = { cniVersion: '1.1.0', ips: [{ address: 'fd00::2/64', gateway: 'fd00::1' }], routes: [{ dst: '10.0.0.0/8' }, { dst: '::/0', gw: 'fd00::1' }] };
  assert.is(json(formatResult(r, '0.1.0')), '{"cniVersion":"0.1.0","ip6":{"ip":"fd00::2/64","gateway":"fd00::1","routes":[{"dst":"::/0","gw":"fd00::1"}]},"dns":{}}');
});

test('no IP address cannot be written as 0.2.0 or 0.1.0', () => {
  const r: Result = { cniVersion: '1.1.0', interfaces: [{ name: 'lo' }] };
  for (const v of ['0.1.0', '0.2.0']) {
    try {
      formatResult(r, v);
      assert.unreachable('should throw');
    } catch (err) {
      assert.instance(err, CniError);
      assert.is((err as CniError).code, 1);
      assert.is((err as CniError).message, 'cannot convert: no valid IP addresses');
    }
  }
  // Other versions are fine with it.
  assert.is(json(formatResult(r, '0.4.0')), '{"cniVersion":"0.4.0","interfaces":[{"name":"lo"}],"dns":{}}');
});

test('1.1.0-only fields are dropped for 1.0.0 and 0.4.0', () => {
  const r: Result = {
    cniVersion: '1.1.0',
    interfaces: [{ name: 'eth0', mtu: 9000, socketPath: '/s', pciID: '0000:01:00.0' }],
    ips: [{ interface: 0, address: '10.0.0.2/24' }],
    routes: [{ dst: '10.9.0.0/16', gw: '10.0.0.1', mtu: 1300, advmss: 1200, priority: 5, table: 7, scope: 253 }],
  };
  assert.is(json(formatResult(r, '1.0.0')), '{"cniVersion":"1.0.0","interfaces":[{"name":"eth0"}],"ips":[{"interface":0,"address":"10.0.0.2/24"}],"routes":[{"dst":"10.9.0.0/16","gw":"10.0.0.1"}],"dns":{}}');
  assert.is(json(formatResult(r, '0.4.0')), '{"cniVersion":"0.4.0","interfaces":[{"name":"eth0"}],"ips":[{"version":"4","interface":0,"address":"10.0.0.2/24"}],"routes":[{"dst":"10.9.0.0/16","gw":"10.0.0.1"}],"dns":{}}');
  assert.is(json(formatResult(r, '1.1.0')), '{"cniVersion":"1.1.0","interfaces":[{"name":"eth0","mtu":9000,"socketPath":"/s","pciID":"0000:01:00.0"}],"ips":[{"interface":0,"address":"10.0.0.2/24"}],"routes":[{"dst":"10.9.0.0/16","gw":"10.0.0.1","mtu":1300,"advmss":1200,"priority":5,"table":7,"scope":253}],"dns":{}}');
});

test('zero mtu/advmss/priority and empty strings are omitted; table/scope 0 kept (omitempty)', () => {
  const r: Result = {
    cniVersion: '1.1.0',
    interfaces: [{ name: 'eth0', mac: '', mtu: 0, sandbox: '' }],
    ips: [{ address: '10.0.0.2/24', gateway: '' }],
    routes: [{ dst: '0.0.0.0/0', mtu: 0, advmss: 0, priority: 0, table: 0, scope: 0 }],
    dns: { nameservers: [], domain: '', search: [], options: [] },
  };
  assert.is(json(formatResult(r, '1.1.0')), '{"cniVersion":"1.1.0","interfaces":[{"name":"eth0"}],"ips":[{"address":"10.0.0.2/24"}],"routes":[{"dst":"0.0.0.0/0","table":0,"scope":0}],"dns":{}}');
});

test('IPAM result without interfaces, in every version', () => {
  const ipam = { cniVersion: '1.1.0', ips: [{ address: '10.0.0.2/24', gateway: '10.0.0.1' }], routes: [{ dst: '0.0.0.0/0' }] };
  const r = parseResult(ipam, '1.1.0');
  assert.not.ok('interfaces' in r);
  assert.is(json(formatResult(r, '1.0.0')), '{"cniVersion":"1.0.0","ips":[{"address":"10.0.0.2/24","gateway":"10.0.0.1"}],"routes":[{"dst":"0.0.0.0/0"}],"dns":{}}');
  assert.is(json(formatResult(r, '0.3.1')), '{"cniVersion":"0.3.1","ips":[{"version":"4","address":"10.0.0.2/24","gateway":"10.0.0.1"}],"routes":[{"dst":"0.0.0.0/0"}],"dns":{}}');
  assert.is(json(formatResult(r, '0.2.0')), '{"cniVersion":"0.2.0","ip4":{"ip":"10.0.0.2/24","gateway":"10.0.0.1","routes":[{"dst":"0.0.0.0/0"}]},"dns":{}}');
});

test('interface index -1 is kept, an absent one stays absent', () => {
  const src = { cniVersion: '0.4.0', ips: [{ version: '4', interface: -1, address: '10.0.0.2/24' }, { version: '6', address: 'fd00::2/64' }] };
  const r = parseResult(src, '0.4.0');
  assert.equal(r.ips, [{ interface: -1, address: '10.0.0.2/24' }, { address: 'fd00::2/64' }]);
  assert.is(json(formatResult(r, '1.1.0')), '{"cniVersion":"1.1.0","ips":[{"interface":-1,"address":"10.0.0.2/24"},{"address":"fd00::2/64"}],"dns":{}}');
  assert.is(json(formatResult(r, '0.3.0')), '{"cniVersion":"0.3.0","ips":[{"version":"4","interface":-1,"address":"10.0.0.2/24"},{"version":"6","address":"fd00::2/64"}],"dns":{}}');
});

test('addresses are canonicalised as the reference prints them', () => {
  const r = parseResult({ cniVersion: '1.0.0', ips: [{ address: '2001:DB8:0:0:0:0:0:5/064', gateway: '2001:DB8::0:1' }, { address: '::ffff:10.0.0.2/120' }], routes: [{ dst: '::FFFF:0:0/96' }] }, '1.0.0');
  assert.equal(r.ips, [{ address: '2001:db8::5/64', gateway: '2001:db8::1' }, { address: '10.0.0.2/24' }]);
  assert.is(json(formatResult(r, '0.4.0')), '{"cniVersion":"0.4.0","ips":[{"version":"6","address":"2001:db8::5/64","gateway":"2001:db8::1"},{"version":"4","address":"10.0.0.2/24"}],"routes":[{"dst":"0.0.0.0/0"}],"dns":{}}');
});

test('ip6:{} in a 0.2.0 result means no IPv6', () => {
  const r = parseResult({ cniVersion: '0.2.0', ip4: { ip: '10.1.0.5/16', gateway: '10.1.0.1', routes: [{ dst: '0.0.0.0/0', gw: '10.1.0.1' }] }, ip6: {}, dns: {} }, '0.2.0');
  assert.equal(r, { cniVersion: '1.1.0', ips: [{ address: '10.1.0.5/16', gateway: '10.1.0.1' }], routes: [{ dst: '0.0.0.0/0', gw: '10.1.0.1' }], dns: {} });
});


test('shape errors are code 6 and name the field', () => {
  const cases: [unknown, string, string][] = [
    [{ cniVersion: '1.0.0', ips: [{ address: 'foo' }] }, '1.0.0', 'invalid result: ips[0].address: invalid CIDR address "foo"'],
    [{ cniVersion: '1.0.0', ips: [{ address: '10.0.0.1/33' }] }, '1.0.0', 'invalid result: ips[0].address: invalid CIDR address "10.0.0.1/33"'],
    [{ cniVersion: '1.0.0', ips: [{ address: '10.0.0.1' }] }, '1.0.0', 'invalid result: ips[0].address: invalid CIDR address "10.0.0.1"'],
    [{ cniVersion: '1.0.0', ips: [{}] }, '1.0.0', 'invalid result: ips[0].address: missing'],
    [{ cniVersion: '1.0.0', ips: [{ address: '10.0.0.2/24', gateway: 'x' }] }, '1.0.0', 'invalid result: ips[0].gateway: invalid IP address "x"'],
    [{ cniVersion: '1.1.0', ips: [{ address: '10.0.0.2/24', interface: 'eth0' }] }, '1.1.0', 'invalid result: ips[0].interface: expected an integer >= -1, got "eth0"'],
    [{ cniVersion: '1.1.0', routes: [{ dst: '0.0.0.0/0' }, { dst: '10.0.0.0/8', gw: '300.1.1.1' }] }, '1.1.0', 'invalid result: routes[1].gw: invalid IP address "300.1.1.1"'],
    [{ cniVersion: '1.1.0', interfaces: [{ name: 'eth0', mtu: -5 }] }, '1.1.0', 'invalid result: interfaces[0].mtu: expected an integer >= 0, got -5'],
    [{ cniVersion: '1.1.0', interfaces: {} }, '1.1.0', 'invalid result: interfaces: expected a list, got an object'],
    [{ cniVersion: '1.1.0', dns: { nameservers: [1] } }, '1.1.0', 'invalid result: dns.nameservers[0]: expected a string, got 1'],
    [{ cniVersion: '0.2.0', ip4: { ip: '10.0.0.2' } }, '0.2.0', 'invalid result: ip4.ip: invalid CIDR address "10.0.0.2"'],
    [{ cniVersion: 1 }, '1.0.0', 'invalid result: cniVersion: expected a string, got 1'],
    ['nope', '1.0.0', 'invalid result: expected a JSON object, got "nope"'],
  ];
  for (const [input, fallback, msg] of cases) {
    const e = cniErrorOf(() => parseResult(input, fallback));
    assert.is(e.code, 6, msg);
    assert.is(e.message, msg);
  }
  assert.is(cniErrorOf(() => parseResult({ ips: [{ address: 'x' }] }, '1.1.0', { label: 'prevResult' })).message, 'invalid prevResult: ips[0].address: invalid CIDR address "x"');
});

test('unknown versions are code 1', () => {
  assert.is(cniErrorOf(() => parseResult({ cniVersion: '9.9.9' }, '1.0.0')).code, 1);
  assert.is(cniErrorOf(() => parseResult({}, '1.1')).code, 1);
  const e = cniErrorOf(() => formatResult(FULL, '2.0.0'));
  assert.is(e.code, 1);
  assert.match(e.message, '"2.0.0"');
});

test('formatResult does not share arrays with its input', () => {
  const out = formatResult(FULL, '1.1.0') as Result;
  out.dns!.nameservers!.push('x');
  assert.equal(FULL.dns!.nameservers, ['10.1.0.1']);
});

/** Canonical text via the libc (inet_ntop) as an oracle; parseResult must agree. */
function canonicalViaParse(ip: string): string | undefined {
  try {
    return parseResult({ cniVersion: '1.0.0', ips: [{ address: `${ip}/64`, gateway: ip }] }, '1.0.0').ips![0]!.gateway;
  } catch {
    return undefined;
  }
}

test('IPv6 text: canonical form agrees with inet_ntop on random addresses in many spellings', () => {
  let seed = 12345;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  for (let i = 0; i < 500; i++) {
    const g = Array.from({ length: 8 }, () => (rnd(3) === 0 ? 0 : rnd(3) === 0 ? rnd(16) : rnd(65536)));
    if (g.slice(0, 6).every((x) => x === 0)) g[0] = 1; // skip ::a.b.c.d forms, printed differently by libc
    const spellings = [
      g.map((x) => x.toString(16)).join(':'),
      g.map((x) => x.toString(16).toUpperCase().padStart(4, '0')).join(':'),
    ];
    const want = new SocketAddress({ address: spellings[0]!, family: 'ipv6' }).address;
    spellings.push(want, want.toUpperCase());
    for (const s of spellings) assert.is(canonicalViaParse(s), want, s);
  }
});

test('IPv6 text: validity agrees with node:net, zones and IPv4 forms aside', () => {
  const samples = ['::', '::1', '1::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1::2::3', ':::', ':1', '1:',
    '12345::', 'g::1', '1:2:3:4:5:6:7', '::ffff:1.2.3.4', '::ffff:1.2.3', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '::1.2.3.4', '', ' ::1', '::1 ',
    '1:2:3:4:5::6:7:8', '0:0:0:0:0:0:0:0'];
  for (const s of samples) {
    if (isIPv6(s)) assert.ok(canonicalViaParse(s) !== undefined, s);
    else assert.is(canonicalViaParse(s), undefined, s);
  }
  assert.is(canonicalViaParse('fe80::1%eth0'), undefined);
  assert.is(canonicalViaParse('::ffff:10.1.2.3'), '10.1.2.3');
  assert.is(canonicalViaParse('::10.1.2.3'), '::a01:203');
  assert.is(canonicalViaParse('1:0:0:1:0:0:0:1'), '1:0:0:1::1');
  assert.is(canonicalViaParse('1:0:0:1:0:0:1:1'), '1::1:0:0:1:1');
  assert.is(canonicalViaParse('1:0:1:1:1:1:1:1'), '1:0:1:1:1:1:1:1');
});

test('IPv4 text: strict dotted quad', () => {
  const ok = (ip: string) => parseResult({ cniVersion: '1.0.0', ips: [{ address: `${ip}/24` }] }, '1.0.0').ips![0]!.address;
  assert.is(ok('0.0.0.0'), '0.0.0.0/24');
  assert.is(ok('255.255.255.255'), '255.255.255.255/24');
  for (const bad of ['256.1.1.1', '01.1.1.1', '1.1.1', '1.1.1.1.1', '1.1.1.-1', 'a.b.c.d', '1.1.1.1 ']) {
    assert.throws(() => ok(bad), (e: unknown) => e instanceof CniError && e.code === 6, bad);
  }
});

test.run();
