/** The request/ACK/dump loop against a scripted kernel (no sockets, no root). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AttrWriter } from '../../src/netlink/codec/attr.js';
import { NLM_F, NLMSG } from '../../src/netlink/codec/consts.js';
import { encodeMessage, splitMessages, type NetlinkMessage } from '../../src/netlink/codec/message.js';
import { DUMP_ATTEMPTS, NetlinkChannel, type Datagrams } from '../../src/netlink/channel.js';
import { NetlinkError } from '../../src/netlink/errors.js';

const PORT = 4242;

/** Plays the kernel: for each request, `script` returns the datagrams to hand back. */
class FakeKernel implements Datagrams {
  readonly portId = PORT;
  readonly requests: NetlinkMessage[] = [];
  private queue: Buffer[] = [];
  closed = false;
  constructor(private readonly script: (req: NetlinkMessage, n: number) => Buffer[]) {}
  send(datagram: Buffer): void {
    const [req] = splitMessages(datagram);
    this.requests.push(req!);
    this.queue.push(...this.script(req!, this.requests.length));
  }
  receive(): Buffer {
    const d = this.queue.shift();
    if (!d) throw new Error('test kernel has nothing more to say (the channel would block forever)');
    return d;
  }
  close(): void {
    this.closed = true;
  }
  describe(errno: number): string {
    return `text for ${errno}`;
  }
}

const msg = (type: number, flags: number, seq: number, payload: Buffer, pid = PORT) => encodeMessage(type, flags, seq, pid, payload);
const int32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
};
const ack = (seq: number, errno = 0, extack?: string) => {
  const payload = Buffer.concat([int32(-errno), Buffer.alloc(16), extack ? new AttrWriter().string(1, extack).toBuffer() : Buffer.alloc(0)]);
  return msg(NLMSG.ERROR, NLM_F.CAPPED | (extack ? NLM_F.ACK_TLVS : 0), seq, payload);
};
const done = (seq: number, flags: number = NLM_F.MULTI) => msg(NLMSG.DONE, flags, seq, int32(0));
const req = { op: 'test op', type: 18, body: Buffer.alloc(16) };

test('request: sets REQUEST|ACK, skips stale replies and other ports, returns the reply before the ACK', () => {
  const k = new FakeKernel((r) => [
    Buffer.concat([msg(16, 0, r.seq - 1, Buffer.from('stale')), msg(16, 0, r.seq, Buffer.from('other port'), PORT + 1)]),
    Buffer.concat([msg(16, 0, r.seq, Buffer.from('answer')), ack(r.seq)]),
  ]);
  const ch = new NetlinkChannel(k, 100);
  const replies = ch.request({ ...req, flags: NLM_F.CREATE });
  assert.is(k.requests[0]!.flags, NLM_F.REQUEST | NLM_F.ACK | NLM_F.CREATE);
  assert.is(k.requests[0]!.seq, 101);
  assert.is(replies.length, 1);
  assert.is(replies[0]!.payload.toString(), 'answer');
  ch.request(req);
  assert.is(k.requests[1]!.seq, 102, 'sequence numbers increase');
});

test('request error: NetlinkError with errno code, strerror text and extack message', () => {
  const k = new FakeKernel((r) => [ack(r.seq, 95, 'Unknown device type')]);
  const ch = new NetlinkChannel(k);
  try {
    ch.request({ ...req, op: 'link add d0 (dummy)' });
    assert.unreachable();
  } catch (err) {
    assert.instance(err, NetlinkError);
    const e = err as NetlinkError;
    assert.is(e.code, 'EOPNOTSUPP');
    assert.is(e.errno, 95);
    assert.is(e.extack, 'Unknown device type');
    assert.is(e.message, 'link add d0 (dummy): EOPNOTSUPP (text for 95): Unknown device type');
  }
});

test('dump: multi-part over several datagrams, NOOP ignored, ends at NLMSG_DONE', () => {
  const k = new FakeKernel((r) => [
    Buffer.concat([msg(16, NLM_F.MULTI, r.seq, Buffer.from('a')), msg(16, NLM_F.MULTI, r.seq, Buffer.from('b'))]),
    Buffer.concat([msg(NLMSG.NOOP, 0, r.seq, Buffer.alloc(0)), msg(16, NLM_F.MULTI, r.seq, Buffer.from('c')), done(r.seq)]),
  ]);
  const out = new NetlinkChannel(k).dump(req);
  assert.is(k.requests[0]!.flags, NLM_F.REQUEST | NLM_F.DUMP);
  assert.equal(out.map((m) => m.payload.toString()), ['a', 'b', 'c']);
});

test('dump: NLM_F_DUMP_INTR makes the channel run the dump again', () => {
  const k = new FakeKernel((r, n) => {
    const intr = n < 3 ? NLM_F.DUMP_INTR : 0;
    return [Buffer.concat([msg(16, NLM_F.MULTI | intr, r.seq, Buffer.from(`try ${n}`)), done(r.seq, NLM_F.MULTI | intr)])];
  });
  const out = new NetlinkChannel(k).dump(req);
  assert.is(k.requests.length, 3);
  assert.equal(out.map((m) => m.payload.toString()), ['try 3']);
});

test('dump: interrupted every time gives up with EINTR after a bounded number of tries', () => {
  const k = new FakeKernel((r) => [Buffer.concat([msg(16, NLM_F.MULTI | NLM_F.DUMP_INTR, r.seq, Buffer.alloc(0)), done(r.seq)])]);
  try {
    new NetlinkChannel(k).dump(req);
    assert.unreachable();
  } catch (err) {
    assert.instance(err, NetlinkError);
    assert.is((err as NetlinkError).code, 'EINTR');
    assert.is(k.requests.length, DUMP_ATTEMPTS);
  }
});

test('dump: an error in NLMSG_DONE or NLMSG_ERROR is thrown', () => {
  const k = new FakeKernel((r) => [msg(NLMSG.DONE, NLM_F.MULTI, r.seq, int32(-2))]);
  assert.throws(() => new NetlinkChannel(k).dump(req), (e: unknown) => e instanceof NetlinkError && e.code === 'ENOENT');
  const k2 = new FakeKernel((r) => [ack(r.seq, 22, 'Invalid values in header for link dump request')]);
  assert.throws(() => new NetlinkChannel(k2).dump(req), (e: unknown) => e instanceof NetlinkError && e.code === 'EINVAL' && /Invalid values/.test(e.message));
});

test('close is idempotent and later use fails clearly', () => {
  const k = new FakeKernel(() => []);
  const ch = new NetlinkChannel(k);
  ch.close();
  ch.close();
  assert.ok(k.closed);
  assert.throws(() => ch.request(req), /closed/);
});

test.run();
