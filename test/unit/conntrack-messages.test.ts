/**
 * ctnetlink bytes. The kernel message below is what Linux 6.18 sent `conntrack -D -p udp --dport
 * 4242` (conntrack-tools 1.4.7) for the entry made by
 * `conntrack -I -p udp -s 10.9.9.1 -d 10.9.9.2 --sport 5555 --dport 4242 --timeout 100`,
 * captured with `strace -e trace=sendto,recvmsg -xx` in a scratch netns; the tool then deleted
 * the entry with a message that starts with the same CTA_TUPLE_ORIG. Ours keeps that tuple and
 * adds CTA_ID (the tool sends reply tuple, status, timeout, mark and synproxy instead).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AttrWriter } from '../../src/netlink/codec/attr.js';
import { encodeMessage } from '../../src/netlink/codec/message.js';
import { NetlinkError } from '../../src/netlink/errors.js';
import type { NetlinkRequest, NetlinkTransport } from '../../src/netlink/transport.js';
import type { NetlinkMessage } from '../../src/netlink/codec/message.js';
import { Conntrack, CTA, deleteRequest, dumpRequest, matches, parseEntry, writeTuple } from '../../src/netlink/conntrack/index.js';

function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\/\/.*$/gm, '').replace(/\s+/g, ''), 'hex');
}

const TUPLE_ORIG = `
  14000180                     // CTA_TUPLE_IP (nested)
    08000100 0a090901          //   CTA_IP_V4_SRC 10.9.9.1
    08000200 0a090902          //   CTA_IP_V4_DST 10.9.9.2
  1c000280                     // CTA_TUPLE_PROTO (nested)
    05000100 11000000          //   CTA_PROTO_NUM 17 (udp)
    06000200 15b30000          //   CTA_PROTO_SRC_PORT be16 5555
    06000300 10920000          //   CTA_PROTO_DST_PORT be16 4242
`;
const TUPLE_REPLY = `
  14000180 08000100 0a090902 08000200 0a090901
  1c000280 05000100 11000000 06000200 10920000 06000300 15b30000
`;

// IPCTNL_MSG_CT_NEW payload of the dump reply (after the nlmsghdr).
const KERNEL_ENTRY = hex(`
  02 00 0000                   // nfgenmsg AF_INET, v0, res_id 0
  34000180 ${TUPLE_ORIG}       // CTA_TUPLE_ORIG
  34000280 ${TUPLE_REPLY}      // CTA_TUPLE_REPLY
  08000300 00000008            // CTA_STATUS
  08000800 00000000            // CTA_MARK
  08000c00 c2d80047            // CTA_ID
  08000b00 00000001            // CTA_USE
  08000700 00000063            // CTA_TIMEOUT 99
  1c001880 08000100 00000000 08000200 00000000 08000300 00000000   // CTA_SYNPROXY
`);

// The first attributes of conntrack's own IPCTNL_MSG_CT_DELETE for that entry.
const CONNTRACK_DELETE_PREFIX = hex(`02 00 0000  34000180 ${TUPLE_ORIG}`);

test('parseEntry decodes the kernel entry', () => {
  const e = parseEntry(KERNEL_ENTRY)!;
  assert.is(e.family, 4);
  assert.equal(e.orig, { src: '10.9.9.1', dst: '10.9.9.2', protocol: 17, srcPort: 5555, dstPort: 4242 });
  assert.equal(e.reply, { src: '10.9.9.2', dst: '10.9.9.1', protocol: 17, srcPort: 4242, dstPort: 5555 });
  assert.is(e.key.id?.toString('hex'), 'c2d80047');
  assert.is(e.zone, undefined);
  assert.ok(matches(e, { family: 4, protocol: 17, origDstPort: 4242 }));
  assert.not.ok(matches(e, { family: 4, protocol: 17, origDstPort: 4243 }));
  assert.not.ok(matches(e, { family: 6, protocol: 17 }));
  assert.not.ok(matches(e, { family: 4, protocol: 6 }));
});

test('deleteRequest sends the kernel tuple like conntrack -D, plus the entry id', () => {
  const req = deleteRequest(parseEntry(KERNEL_ENTRY)!);
  assert.is(req.type, 0x0102, 'NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_DELETE');
  assert.is(req.body.subarray(0, CONNTRACK_DELETE_PREFIX.length).toString('hex'), CONNTRACK_DELETE_PREFIX.toString('hex'));
  assert.is(req.body.toString('hex'), Buffer.concat([CONNTRACK_DELETE_PREFIX, hex('08000c00 c2d80047')]).toString('hex'));
  // Framed as the transport frames it: REQUEST|ACK.
  const wire = encodeMessage(req.type, 0x5, 7, 0, req.body);
  assert.is(wire.readUInt32LE(0), 16 + 4 + 52 + 8);
});

test('writeTuple encodes a tuple byte for byte as the kernel does', () => {
  const w = new AttrWriter().nested(CTA.TUPLE_ORIG, (t) => writeTuple(t, 4, { src: '10.9.9.1', dst: '10.9.9.2', protocol: 17, srcPort: 5555, dstPort: 4242 }));
  assert.is(w.toBuffer().toString('hex'), hex(`34000180 ${TUPLE_ORIG}`).toString('hex'));
  const v6 = new AttrWriter();
  writeTuple(v6, 6, { dst: 'fd00::2' });
  assert.is(v6.toBuffer().toString('hex'), hex('18000180 14000400 fd000000000000000000000000000002').toString('hex'));
  assert.throws(() => writeTuple(new AttrWriter(), 4, { src: 'fd00::1' }), /not an IPv4 address/);
});

test('dumpRequest asks the kernel to filter on protocol and destination port (CTA_FILTER)', () => {
  const req = dumpRequest({ family: 4, protocol: 17, origDstPort: 4242 });
  assert.is(req.type, 0x0101, 'IPCTNL_MSG_CT_GET');
  assert.is(
    req.body.toString('hex'),
    hex(`
      02 00 0000                 // nfgenmsg AF_INET
      18000180                   // CTA_TUPLE_ORIG
        14000280                 //   CTA_TUPLE_PROTO
          05000100 11000000      //     CTA_PROTO_NUM udp
          06000300 10920000      //     CTA_PROTO_DST_PORT be16 4242
      0c001980                   // CTA_FILTER
        08000100 28000000        //   CTA_FILTER_ORIG_FLAGS PROTO_NUM|PROTO_DST_PORT (host order)
    `).toString('hex'),
  );
  assert.is(dumpRequest({ family: 6, protocol: 17, origDstPort: 4242 }, false).body.toString('hex'), '0a000000', 'without the kernel filter: the family only');
  assert.is(dumpRequest({ family: 4 }).body.toString('hex'), '02000000', 'no fields, no filter');
  assert.throws(() => dumpRequest({ family: 4, origDstPort: 1 }), /needs a protocol/);
});

/** Plays the kernel: answers dumps with the entries, deletes with ACK or an error. */
class FakeKernel implements NetlinkTransport {
  readonly requests: NetlinkRequest[] = [];
  constructor(
    private readonly entries: Buffer[],
    private readonly opts: { rejectFilter?: boolean; deleteErrno?: string } = {},
  ) {}
  request(req: NetlinkRequest): NetlinkMessage[] {
    this.requests.push(req);
    if (this.opts.deleteErrno) throw new NetlinkError({ errno: this.opts.deleteErrno === 'ENOENT' ? 2 : 1, op: req.op });
    return [];
  }
  dump(req: NetlinkRequest): NetlinkMessage[] {
    this.requests.push(req);
    if (this.opts.rejectFilter && req.body.length > 4) throw new NetlinkError({ errno: 22, op: req.op });
    return this.entries.map((payload) => ({ type: 0x0100, flags: 2, seq: 1, pid: 0, payload }));
  }
  close(): void {}
}

test('Conntrack.list filters again in user space and falls back when the kernel rejects CTA_FILTER', () => {
  const other = Buffer.from(KERNEL_ENTRY);
  other.writeUInt16BE(4243, 4 + 4 + 20 + 4 + 16 + 4); // orig dst port -> 4243
  const kernel = new FakeKernel([KERNEL_ENTRY, other], { rejectFilter: true });
  const ct = new Conntrack(kernel);
  const got = ct.list({ family: 4, protocol: 17, origDstPort: 4242 });
  assert.is(got.length, 1);
  assert.is(got[0]!.orig.dstPort, 4242);
  assert.equal(
    kernel.requests.map((r) => r.body.length),
    [40, 4],
    'filtered dump first, then the plain family dump',
  );
});

test('Conntrack.delete: an entry already gone is not an error; other errors are', () => {
  const e = parseEntry(KERNEL_ENTRY)!;
  assert.is(new Conntrack(new FakeKernel([], { deleteErrno: 'ENOENT' })).delete(e), false);
  assert.is(new Conntrack(new FakeKernel([])).delete(e), true);
  assert.throws(() => new Conntrack(new FakeKernel([], { deleteErrno: 'EPERM' })).delete(e), /EPERM/);
  const kernel = new FakeKernel([KERNEL_ENTRY, KERNEL_ENTRY]);
  assert.is(new Conntrack(kernel).deleteMatching({ family: 4, protocol: 17, origDstPort: 4242 }), 2);
  assert.is(kernel.requests.filter((r) => r.type === 0x0102).length, 2, 'one DELETE per entry, never a flush');
});

test.run();
