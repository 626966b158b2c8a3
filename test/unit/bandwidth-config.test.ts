/**
 * bandwidth's config parsing (the reference's messages, top-level keys over runtimeConfig), the
 * TBF parameters against the reference's formula worked by hand, and the IFB name and alias.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { parseBandwidthConfig } from '../../src/plugins/meta/bandwidth/config.js';
import { aliasPrefix, ifbAlias, ifbName } from '../../src/plugins/meta/bandwidth/names.js';
import { tbfParams } from '../../src/plugins/meta/bandwidth/tbf-params.js';
import { parsePsched } from '../../src/netlink/tc/clock.js';
import { cniErrorOf } from '../helpers/errors.js';

function expectCniError(fn: () => unknown, code: number, msg: string | RegExp): void {
  const err = cniErrorOf(fn);
  assert.is(err.code, code, err.message);
  if (typeof msg === 'string') assert.is(err.message, msg);
  else assert.match(err.message, msg);
}

const base = { cniVersion: '1.1.0', name: 'net', type: 'bandwidth' };
const clock = parsePsched('000003e8 00000040 000f4240 3b9aca00');

test('top-level keys, else runtimeConfig.bandwidth; none means no shaping', () => {
  assert.equal(parseBandwidthConfig({ ...base, ingressRate: 8, ingressBurst: 16 }).bandwidth, { ingressRate: 8, ingressBurst: 16, egressRate: 0, egressBurst: 0 });
  assert.equal(parseBandwidthConfig({ ...base, runtimeConfig: { bandwidth: { egressRate: 800, egressBurst: 80 } } }).bandwidth, { ingressRate: 0, ingressBurst: 0, egressRate: 800, egressBurst: 80 });
  // One top-level key (even 0) selects the top-level entry, as Go fills the embedded struct.
  assert.equal(parseBandwidthConfig({ ...base, egressRate: 0, runtimeConfig: { bandwidth: { egressRate: 800, egressBurst: 80 } } }).bandwidth?.egressRate, 0);
  assert.is(parseBandwidthConfig({ ...base }).bandwidth, undefined);
  assert.is(parseBandwidthConfig({ ...base, runtimeConfig: { bandwidth: null } as never }).bandwidth, undefined);
});

test("the reference's validation messages, code 7; subnets refused with code 2", () => {
  const cases: [Record<string, unknown>, number, string | RegExp][] = [
    [{ ingressRate: 1000 }, 7, 'if rate is set, burst must also be set'],
    [{ ingressBurst: 1000 }, 7, 'if burst is set, rate must also be set'],
    [{ egressRate: 1, egressBurst: 8 * 0xffffffff }, 7, 'burst cannot be more than 4GB'],
    [{ egressRate: 1.5, egressBurst: 8 }, 7, /"egressRate" must be a non-negative integer/],
    [{ runtimeConfig: { bandwidth: [] } }, 7, /"runtimeConfig.bandwidth" must be an object/],
    [{ ingressRate: 8, ingressBurst: 8, unshapedSubnets: ['10.0.0.0/8'] }, 2, /"unshapedSubnets" is not supported/],
  ];
  for (const [keys, code, msg] of cases) expectCniError(() => parseBandwidthConfig({ ...base, ...keys }), code, msg);
  // Just below 4 GB is fine.
  assert.ok(parseBandwidthConfig({ ...base, egressRate: 1, egressBurst: 8 * 0xfffffffe }).bandwidth);
});

test('TBF parameters as the reference computes them', () => {
  // 8 Mbit/s, 80000 bit burst: 1e6 B/s, 10000 B; buffer 10 ms = 10000 us = 156250 ticks;
  // limit = 1e6 * 25 ms + 10000.
  assert.equal(tbfParams(8_000_000, 80_000, clock, 'ingress'), { rate: 1_000_000, burst: 10_000, buffer: 156_250, limit: 35_000 });
  // Bits are truncated to bytes; the buffer's microseconds are truncated before the ticks.
  assert.equal(tbfParams(1_000_007, 12_345, clock, 'egress'), { rate: 125_000, burst: 1543, buffer: Math.trunc(Math.trunc((1543 * 1e6) / 125_000) * 15.625), limit: 3125 + 1543 });
  expectCniError(() => tbfParams(7, 80, clock, 'ingress'), 7, 'invalid ingressRate 7: the rate must be at least 8 bits/s');
  expectCniError(() => tbfParams(8, 8 * 300, clock, 'egress'), 7, /egressBurst 2400 is too large for egressRate 8/);
  assert.is(tbfParams(8 * 5e9, 8e6, clock, 'egress').rate, 5e9, '64-bit rates stay exact');
});

test('IFB name: "bwp" + sha512(network + containerID), 15 characters, as the reference', () => {
  const hex = createHash('sha512').update('netc1').digest('hex');
  assert.is(ifbName('net', 'c1'), `bwp${hex.slice(0, 12)}`);
  assert.is(ifbName('net', 'c1').length, 15);
  assert.is.not(ifbName('net', 'c1'), ifbName('net2', 'c1'));
});

test('IFB alias: network hash prefix, readable tail, at most 255 bytes', () => {
  assert.ok(ifbAlias('net', 'c1').startsWith(aliasPrefix('net')));
  assert.match(ifbAlias('net', 'c1'), /^cni-bandwidth [0-9a-f]{16} net\/c1$/);
  assert.is.not(aliasPrefix('a'), aliasPrefix('a id=b'));
  const long = ifbAlias('n'.repeat(200), 'é'.repeat(100));
  assert.ok(Buffer.byteLength(long) <= 255);
  assert.not.ok(long.includes('\uFFFD'));
});

test.run();
