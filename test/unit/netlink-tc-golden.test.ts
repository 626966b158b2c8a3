/**
 * Traffic-control requests against what iproute2 6.1's `tc` sends for the same command (captured
 * with strace into test/fixtures/tc-golden.txt), byte for byte; the small ones are also spelled out
 * field by field. Plus the scheduler clock, the rate table and the dump parsers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AttrWriter } from '../../src/netlink/codec/attr.js';
import { NLM_F } from '../../src/netlink/codec/consts.js';
import { encodeMessage } from '../../src/netlink/codec/message.js';
import { parsePsched, time2tick, xmittime } from '../../src/netlink/tc/clock.js';
import { makeHandle, TC_H } from '../../src/netlink/tc/consts.js';
import { filterDumpRequest, parseFilter, u32RedirectAddRequest } from '../../src/netlink/tc/filter.js';
import { parseQdisc, qdiscAddRequest, qdiscDelRequest, qdiscDumpRequest } from '../../src/netlink/tc/qdisc.js';
import { rateTable } from '../../src/netlink/tc/tbf.js';
import type { NetlinkRequest } from '../../src/netlink/transport.js';

const FIXTURE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../fixtures/tc-golden.txt');
const GOLDEN = new Map(
  fs
    .readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(' ') as [string, string]),
);
const golden = (label: string): string => {
  const h = GOLDEN.get(label);
  if (!h) throw new Error(`no golden ${label}`);
  return h;
};

const clock = parsePsched('000003e8 00000040 000f4240 3b9aca00');
const VETH = 3;
const IFB = 4;

function hex(s: string): string {
  return s.replace(/\/\/.*$/gm, '').replace(/\s+/g, '');
}

/** Framed like NetlinkChannel.request: REQUEST|ACK plus the request's flags, seq 1, pid 0. */
function wire(req: NetlinkRequest): string {
  return encodeMessage(req.type, NLM_F.REQUEST | NLM_F.ACK | (req.flags ?? 0), 1, 0, req.body).toString('hex');
}

test('psched clock: 64 ns ticks (15.625 per microsecond); the nanosecond-resolution compatibility rule', () => {
  assert.is(clock.tickInUsec, 15.625);
  assert.is(clock.clockFactor, 1);
  assert.is(parsePsched('000003e8 00000040 3b9aca00 3b9aca00').tickInUsec, 1000);
  assert.throws(() => parsePsched('garbage'));
  assert.is(time2tick(clock, 40000), 625000);
  assert.is(xmittime(clock, 125000, 8), 1000);
});

test('rate table as tc_calc_rtable: cell_log 3 for the default mtu, entry i = ticks for (i+1) << 3 bytes', () => {
  const { cellLog, table } = rateTable(clock, 125000);
  assert.is(cellLog, 3);
  assert.is(table.length, 1024);
  assert.is(table.readUInt32LE(0), 1000);
  assert.is(table.readUInt32LE(255 * 4), 256000);
});

test('RTM_NEWQDISC tbf equals tc: 1 Mbit/s, burst 5000 bytes, limit 30000 bytes', () => {
  const req = qdiscAddRequest({ kind: 'tbf', index: VETH, handle: makeHandle(1, 0), parent: TC_H.ROOT, tbf: { rate: 125000, burst: 5000, limit: 30000, buffer: 625000 } }, clock);
  const got = wire(req);
  const head = hex(`
    64040000 2400 0506 01000000 00000000   // nlmsghdr: len 1124, RTM_NEWQDISC, REQUEST|ACK|EXCL|CREATE
    00 00 0000 03000000 00000100 ffffffff 00000000  // tcmsg: ifindex 3, handle 1:0, parent root, info 0
    0800 0100 74626600                     // TCA_KIND "tbf"
    3804 0200                              // TCA_OPTIONS (plain nest, as tc), len 1080
      2800 0100                            //   TCA_TBF_PARMS, len 40: struct tc_tbf_qopt
        03 01 0000 ffff 0000 48e80100      //     rate: cell_log 3, linklayer ethernet, overhead 0, cell_align -1, mpu 0, 125000 B/s
        00000000 00000000 00000000         //     peakrate: none
        30750000 68890900 00000000         //     limit 30000, buffer 625000 ticks (40 ms), mtu 0
      0800 0600 88130000                   //   TCA_TBF_BURST 5000
      0404 0200                            //   TCA_TBF_RTAB, len 1028 (256 u32 follow)
  `);
  assert.is(got.slice(0, head.length), head);
  assert.is(got, golden('TBF1'));
});

test('RTM_NEWQDISC tbf above 4 GB/s equals tc: rate ~0 in the ratespec, TCA_TBF_RATE64 after the burst', () => {
  // tc computes this buffer from the clamped 32-bit rate (~0): 116 us = 1812 ticks.
  const buffer = xmittime(clock, 0xffffffff, 500000);
  assert.is(buffer, 1812);
  const req = qdiscAddRequest({ kind: 'tbf', index: VETH, handle: makeHandle(1, 0), parent: TC_H.ROOT, tbf: { rate: 5_000_000_000, burst: 500000, limit: 600000, buffer } }, clock);
  assert.is(wire(req), golden('TBF64'));
});

test('RTM_NEWQDISC ingress, RTM_DELQDISC root and ingress equal tc', () => {
  const ing = wire(qdiscAddRequest({ kind: 'ingress', index: VETH }, clock));
  assert.is(ing, hex(`
    30000000 2400 0506 01000000 00000000   // len 48, RTM_NEWQDISC, REQUEST|ACK|EXCL|CREATE
    00000000 03000000 0000ffff f1ffffff 00000000  // ifindex 3, handle ffff:0, parent ffff:fff1
    0c00 0100 696e677265737300             // TCA_KIND "ingress" (no TCA_OPTIONS, as tc)
  `));
  assert.is(ing, golden('ING'));
  assert.is(wire(qdiscDelRequest({ index: VETH, handle: makeHandle(1, 0), parent: TC_H.ROOT })), golden('DELROOT'));
  assert.is(wire(qdiscDelRequest({ index: VETH, handle: TC_H.INGRESS_HANDLE, parent: TC_H.INGRESS, kind: 'ingress' })), golden('DELING'));
});

test('RTM_NEWTFILTER u32 match-all with a mirred egress redirect equals tc', () => {
  const got = wire(u32RedirectAddRequest({ index: VETH, parent: TC_H.INGRESS_HANDLE, priority: 1, classId: makeHandle(1, 1), redirectIndex: IFB }));
  assert.is(got, hex(`
    94000000 2c00 0506 01000000 00000000   // len 148, RTM_NEWTFILTER, REQUEST|ACK|EXCL|CREATE
    00000000 03000000 00000000 0000ffff 00030100  // ifindex 3, handle 0, parent ffff:0, info prio 1 | htons(ETH_P_ALL)
    0800 0100 75333200                     // TCA_KIND "u32"
    6800 0200                              // TCA_OPTIONS, len 104
      0800 0100 01000100                   //   TCA_U32_CLASSID 1:1
      3800 0700                            //   TCA_U32_ACT, len 56
        3400 0100                          //     action order 1
          0b00 0100 6d69727265640000       //       TCA_ACT_KIND "mirred"
          2400 0280                        //       TCA_ACT_OPTIONS | NLA_F_NESTED
            2000 0200                      //         TCA_MIRRED_PARMS: struct tc_mirred
              00000000 00000000 04000000 00000000 00000000  // index, capab, action STOLEN, refcnt, bindcnt
              01000000 04000000            //           eaction EGRESS_REDIR, ifindex 4
      2400 0500                            //   TCA_U32_SEL, len 36
        01 00 01 00 0000 0000 0000 0000 00000000  // flags TERMINAL, nkeys 1
        00000000 00000000 00000000 00000000       // key: mask 0, value 0, off 0, offmask 0
  `));
  assert.is(got, golden('FILT'));
});

test('dump requests carry the same tcmsg as tc qdisc/filter show', () => {
  // tc sends these with NLM_F_DUMP and no ACK; compare the bodies (after the 16-byte header).
  assert.is(qdiscDumpRequest(VETH).body.toString('hex'), golden('SHOWQ').slice(32));
  assert.is(filterDumpRequest(VETH, TC_H.INGRESS_HANDLE).body.toString('hex'), golden('SHOWF').slice(32));
});

test('parse a tbf qdisc and a u32 filter back (the request bodies are what the kernel echoes in dumps)', () => {
  const q = parseQdisc(qdiscAddRequest({ kind: 'tbf', index: VETH, handle: makeHandle(1, 0), parent: TC_H.ROOT, tbf: { rate: 125000, burst: 5000, limit: 30000, buffer: 625000 } }, clock).body);
  assert.equal(q, { index: VETH, handle: 0x10000, parent: TC_H.ROOT, kind: 'tbf', tbf: { rate: 125000, limit: 30000, buffer: 625000 } });
  const big = parseQdisc(qdiscAddRequest({ kind: 'tbf', index: VETH, handle: makeHandle(1, 0), parent: TC_H.ROOT, tbf: { rate: 5e9, burst: 1, limit: 2, buffer: 3 } }, clock).body);
  assert.is(big.tbf?.rate, 5e9);
  assert.equal(parseQdisc(qdiscAddRequest({ kind: 'ingress', index: 7 }, clock).body), { index: 7, handle: TC_H.INGRESS_HANDLE, parent: TC_H.INGRESS, kind: 'ingress' });
  const f = parseFilter(u32RedirectAddRequest({ index: VETH, parent: TC_H.INGRESS_HANDLE, priority: 1, classId: makeHandle(1, 1), redirectIndex: IFB }).body);
  assert.equal(f, { index: VETH, parent: TC_H.INGRESS_HANDLE, handle: 0, priority: 1, protocol: 3, kind: 'u32', redirectIndex: IFB });
  // An unknown kind parses to its name only.
  const fq = Buffer.concat([qdiscDumpRequest(2).body, new AttrWriter().string(1, 'fq_codel').toBuffer()]);
  assert.equal(parseQdisc(fq), { index: 2, handle: 0, parent: 0, kind: 'fq_codel' });
});

test.run();
