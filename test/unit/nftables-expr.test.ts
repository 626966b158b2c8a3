/** Every expression codec round-trips; user data (comments); match helpers render back as nft text. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeExprs, encodeExprs, type Expr } from '../../src/netlink/nftables/index.js';
import * as m from '../../src/netlink/nftables/index.js';
import { renderExprs } from '../../src/netlink/nftables/index.js';
import { decodeComment, decodeUdata, encodeComment, encodeUdata } from '../../src/netlink/nftables/userdata.js';

const b = (h: string) => Buffer.from(h, 'hex');

const SAMPLES: Expr[] = [
  { type: 'meta', key: 'iifname', dreg: 1 },
  { type: 'meta', key: 'mark', sreg: 2 },
  { type: 'meta', key: 'l4proto', dreg: 8 },
  { type: 'payload', base: 'network', offset: 12, len: 4, dreg: 1 },
  { type: 'payload', base: 'transport', offset: 2, len: 2, dreg: 9 },
  { type: 'payload', base: 'link', offset: 6, len: 6, dreg: 1 },
  ...(['eq', 'neq', 'lt', 'lte', 'gt', 'gte'] as const).map((op): Expr => ({ type: 'cmp', op, sreg: 1, data: b('0a000001') })),
  { type: 'bitwise', sreg: 1, dreg: 2, len: 4, mask: b('ffffff00'), xor: b('00000000') },
  { type: 'immediate', dreg: 1, data: b('0a010005') },
  { type: 'verdict', kind: 'accept' },
  { type: 'verdict', kind: 'drop' },
  { type: 'verdict', kind: 'continue' },
  { type: 'verdict', kind: 'return' },
  { type: 'verdict', kind: 'jump', chain: 'hostports' },
  { type: 'verdict', kind: 'goto', chain: 'masq_checks' },
  { type: 'lookup', set: 's', sreg: 1 },
  { type: 'lookup', set: 'm', sreg: 1, dreg: 2, setId: 3, invert: true },
  { type: 'nat', kind: 'snat', family: 'ipv4', regAddrMin: 1, regAddrMax: 1, flags: ['map-ips'] },
  { type: 'nat', kind: 'dnat', family: 'ipv6', regAddrMin: 1, regProtoMin: 2, regProtoMax: 3, flags: ['proto-specified', 'random', 'persistent'] },
  { type: 'nat', kind: 'dnat', family: 'ipv4' },
  { type: 'masq' },
  { type: 'masq', flags: ['proto-specified', 'fully-random'], regProtoMin: 1, regProtoMax: 2 },
  { type: 'ct', key: 'state', dreg: 1 },
  { type: 'ct', key: 'mark', dreg: 1, direction: 'reply' },
  { type: 'fib', flags: ['daddr'], result: 'type', dreg: 1 },
  { type: 'fib', flags: ['saddr', 'iif'], result: 'oif', dreg: 1 },
  { type: 'counter' },
  { type: 'counter', bytes: 1500, packets: 3 },
  { type: 'unknown', name: 'log', data: b('0800010000000005') },
];

test('decode(encode(x)) is x for every expression', () => {
  for (const e of SAMPLES) assert.equal(decodeExprs(encodeExprs([e])), [e], JSON.stringify(e));
  assert.equal(decodeExprs(encodeExprs(SAMPLES)), SAMPLES, 'as one list');
});

test('every expression type of the union is covered by the samples', () => {
  const types = new Set(SAMPLES.map((e) => e.type));
  for (const t of ['meta', 'payload', 'cmp', 'bitwise', 'immediate', 'verdict', 'lookup', 'nat', 'masq', 'ct', 'fib', 'counter', 'unknown']) assert.ok(types.has(t as Expr['type']), t);
});

test('big-endian integers inside expressions', () => {
  // [ payload load 2b @ transport header + 2 => reg 9 ]: every u32 attribute is NLA_BE32.
  const enc = encodeExprs([{ type: 'payload', base: 'transport', offset: 2, len: 2, dreg: 9 }]);
  assert.ok(enc.includes(b('0800010000000009')), 'DREG be32 9');
  assert.ok(enc.includes(b('0800020000000002')), 'BASE be32 transport');
  // [ immediate reg 0 jump -> c ]: verdict code be32 -3
  assert.ok(encodeExprs([m.jump('c')]).includes(b('08000100fffffffd')));
});

test('invalid enum values are refused when encoding', () => {
  assert.throws(() => encodeExprs([{ type: 'meta', key: 'bogus' as 'mark', dreg: 1 }]), /unknown meta key "bogus"/);
  assert.throws(() => encodeExprs([{ type: 'masq', flags: ['sticky' as 'random'] }]), /unknown nat flag "sticky"/);
  assert.throws(() => encodeExprs([{ type: 'nope' } as unknown as Expr]), /unknown expression type "nope"/);
});

test('rule comment user data is what nft writes', () => {
  assert.is(encodeComment('x').toString('hex'), '00027800'); // nft: userdata = { \x00\x02x\x00 }
  assert.is(encodeComment('a comment').toString('hex'), '000a6120636f6d6d656e7400');
  assert.is(decodeComment(encodeComment('name: "net1" id: "abc"')), 'name: "net1" id: "abc"');
  // other TLVs (e.g. type 1 before the comment) are skipped
  const mixed = encodeUdata([{ type: 1, value: b('01') }, { type: 0, value: Buffer.from('hi\0') }]);
  assert.is(decodeComment(mixed), 'hi');
  assert.is(decodeComment(encodeUdata([{ type: 1, value: b('01') }])), undefined);
  assert.equal(decodeUdata(mixed).map((t) => t.type), [1, 0]);
  assert.throws(() => encodeComment('x'.repeat(300)), /max 255/);
  assert.throws(() => decodeUdata(b('0005aa')), /overruns/);
});

test('match helpers compile like nft and render back to the same text', () => {
  const cases: [m.Family, Expr[], string][] = [
    ['inet', [...m.nfproto('ipv4'), ...m.ipSaddr('10.1.0.5'), ...m.ipDaddr('10.1.0.0/24', { neq: true }), ...m.masquerade()], 'ip saddr 10.1.0.5 ip daddr != 10.1.0.0/24 masquerade'],
    ['inet', [...m.ipDaddr('224.0.0.0/4', { nfproto: true }), m.ret()], 'ip daddr 224.0.0.0/4 return'],
    ['inet', [...m.ipDaddr('ff00::/8', { nfproto: true }), m.ret()], 'ip6 daddr ff00::/8 return'],
    ['inet', [...m.ipSaddr('fd00::/60', { nfproto: true }), m.accept()], 'ip6 saddr fd00::/60 accept'],
    ['ip', [...m.ipSaddr('0.0.0.0/0'), m.accept()], 'ip saddr 0.0.0.0/0 accept'],
    ['ip', [...m.fibDaddrTypeLocal(), m.jump('hostports')], 'fib daddr type local jump hostports'],
    ['ip', [...m.dport(8080, 'tcp'), ...m.dnat('10.1.0.5', 80)], 'tcp dport 8080 dnat to 10.1.0.5:80'],
    ['ip6', [...m.dport(53, 'udp'), ...m.dnat('fd00::5', 5353)], 'udp dport 53 dnat to [fd00::5]:5353'],
    ['ip', [...m.dport(80)], 'th dport 80'],
    ['ip', [...m.l4proto('udp'), ...m.snat('192.168.0.1')], 'meta l4proto udp snat to 192.168.0.1'],
    ['inet', [...m.nfproto('ipv4'), ...m.snat('192.168.0.1')], 'meta nfproto ipv4 snat ip to 192.168.0.1'],
    ['ip', [...m.iifname('eth0'), ...m.oifname('veth*', { neq: true }), ...m.ctState('established', 'related'), m.accept()], 'iifname "eth0" oifname != "veth*" ct state established,related accept'],
    ['ip', [...m.setMark(0x2000), m.counter()], 'meta mark set 0x00002000 counter'],
    ['ip', [...m.markMatch(0x2000, 0x2000), ...m.masquerade({ flags: ['random'] })], 'meta mark & 0x00002000 == 0x00002000 masquerade random'],
    ['ip', [...m.markMatch(0x10), m.drop()], 'meta mark 0x00000010 drop'],
    ['ip', [...m.l4proto('tcp'), ...m.masquerade({ ports: [1000, 2000], flags: ['random', 'persistent'] })], 'meta l4proto tcp masquerade to :1000-2000 random,persistent'],
    ['ip', [...m.addrInSet('saddr', 'ipv4', 'allowed', { neq: true }), m.drop()], 'ip saddr != @allowed drop'],
    ['ip', [m.goTo('c')], 'goto c'],
  ];
  for (const [family, exprs, text] of cases) {
    assert.is(renderExprs(family, exprs), text);
    assert.equal(decodeExprs(encodeExprs(exprs)), exprs, `${text}: round trip`);
  }
});

test('helpers reject bad input', () => {
  assert.throws(() => m.ipSaddr('10.0.0.300'), TypeError);
  assert.throws(() => m.dport(70000), /invalid port/);
  assert.throws(() => m.iifname('a-very-long-interface-name'), /too long/);
  assert.throws(() => m.l4proto('bogus' as 'tcp'), /unknown IP protocol/);
});

test.run();
