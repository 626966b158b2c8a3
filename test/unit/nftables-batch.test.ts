/**
 * Transaction batches against a fake kernel: one datagram per run, one ACK per message matched by
 * sequence number, errors named after the failing message, and a refused batch drained with a
 * barrier so no stale reply is left on the socket.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { constants } from 'node:os';
import { NLM_F, NLMSG } from '../../src/netlink/codec/consts.js';
import { encodeMessage, splitMessages, type NetlinkMessage } from '../../src/netlink/codec/message.js';
import type { Datagrams } from '../../src/netlink/channel.js';
import { isExists, isNotFound, NetlinkError } from '../../src/netlink/errors.js';
import { NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END } from '../../src/netlink/nftables/consts.js';
import { accept, Nftables, NftTransactionError, type Chain, type Rule, type Table } from '../../src/netlink/nftables/index.js';

const { ENOENT, EEXIST } = constants.errno;
const ERRESTART = 85; // kernel-internal, not in os.constants
const PORT = 4242;

function nlerr(seq: number, errno: number): Buffer {
  const body = Buffer.alloc(4 + 16);
  body.writeInt32LE(-errno, 0);
  return encodeMessage(NLMSG.ERROR, errno ? 0 : NLM_F.CAPPED, seq, PORT, body);
}

/** Plays nfnetlink: `decide` returns the errno per batch message (0 = ok) or 'refuse' for the whole batch. */
class FakeKernel implements Datagrams {
  readonly portId = PORT;
  readonly sent: NetlinkMessage[][] = [];
  private queue: Buffer[] = [];
  constructor(private readonly decide: (msgs: NetlinkMessage[]) => number[] | { refuse: number }) {}
  send(datagram: Buffer): void {
    const msgs = splitMessages(datagram);
    this.sent.push(msgs);
    if (msgs[0]!.type === NLMSG.NOOP) {
      this.queue.push(nlerr(msgs[0]!.seq, 0));
      return;
    }
    assert.is(msgs[0]!.type, NFNL_MSG_BATCH_BEGIN);
    assert.is(msgs.at(-1)!.type, NFNL_MSG_BATCH_END);
    const inner = msgs.slice(1, -1);
    const verdict = this.decide(inner);
    if ('refuse' in verdict) {
      this.queue.push(nlerr(msgs[0]!.seq, verdict.refuse));
      // like a commit failure: the per-message ACKs still follow, in their own datagrams
      for (const m of inner) this.queue.push(nlerr(m.seq, 0));
      return;
    }
    // stale junk first: a reply to some other request must be ignored
    this.queue.push(nlerr(12345, 0));
    inner.forEach((m, i) => {
      assert.ok(m.flags & NLM_F.ACK, 'every message asks for an ACK');
      this.queue.push(nlerr(m.seq, verdict[i] ?? 0));
    });
  }
  receive(): Buffer {
    const next = this.queue.shift();
    if (!next) throw new Error('receive() would block: nothing queued');
    return next;
  }
  close(): void {}
  describe(errno: number): string {
    return errno === ENOENT ? 'No such file or directory' : `errno ${errno}`;
  }
  get pending(): number {
    return this.queue.length;
  }
}

const t: Table = { family: 'inet', name: 'cni_x' };
const post: Chain = { table: t, name: 'postrouting', type: 'nat', hook: 'postrouting' };
const rule: Rule = { table: t, chain: 'postrouting', exprs: [accept()] };

test('a transaction is one datagram with consecutive seqs; all ACKs collected', () => {
  const k = new FakeKernel((msgs) => msgs.map(() => 0));
  const nft = new Nftables(k, 100);
  nft.transaction().add(t).add(post).add(rule).run();
  assert.is(k.sent.length, 1, 'one sendto');
  const seqs = k.sent[0]!.map((m) => m.seq);
  assert.equal(seqs.map((s) => s - seqs[0]!), [0, 1, 2, 3, 4]);
  assert.is(k.pending, 0, 'nothing left on the socket');
});

test('the failing message is named by its sequence number', () => {
  const k = new FakeKernel((msgs) => msgs.map((_, i) => (i === 2 ? ENOENT : 0)));
  const nft = new Nftables(k, 100);
  try {
    nft.transaction().add(t).add(post).add(rule).run();
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, NftTransactionError);
    assert.instance(err, NetlinkError);
    const e = err as NftTransactionError;
    assert.is(e.message, 'add rule inet cni_x postrouting: ENOENT (No such file or directory)');
    assert.is(e.code, 'ENOENT');
    assert.equal(e.failures.map((f) => [f.index, f.op]), [[2, 'add rule inet cni_x postrouting']]);
    assert.ok(isNotFound(err));
  }
  assert.is(k.pending, 0);
});

test('several failures are all listed, the first one is the error', () => {
  const k = new FakeKernel((msgs) => msgs.map((_, i) => (i === 0 ? EEXIST : i === 1 ? ENOENT : 0)));
  const nft = new Nftables(k, 7);
  const err = (() => {
    try {
      nft.transaction().create(t).delete({ ...rule, handle: 9 }).run();
    } catch (e) {
      return e as NftTransactionError;
    }
    return undefined;
  })();
  assert.ok(err);
  assert.ok(isExists(err));
  assert.is(err!.op, 'create table inet cni_x');
  assert.equal(err!.failures.map((f) => f.op), ['create table inet cni_x', 'delete rule inet cni_x postrouting handle 9']);
});

test('a batch refused as a whole (e.g. stale genid) drains with a barrier', () => {
  const k = new FakeKernel(() => ({ refuse: ERRESTART }));
  const nft = new Nftables(k, 1);
  assert.throws(() => nft.transaction().add(t).run({ genId: 5 }), (e: unknown) => e instanceof NetlinkError && e.code === 'ERESTART');
  assert.is(k.sent.length, 2, 'batch + barrier');
  assert.is(k.sent[1]![0]!.type, NLMSG.NOOP);
  assert.is(k.pending, 0, 'all replies consumed');
  // the genid rides on BATCH_BEGIN as NFNL_BATCH_GENID be32
  assert.ok(k.sent[0]![0]!.payload.subarray(4).equals(Buffer.from('0800010000000005', 'hex')));
});

test('invalid objects fail run() before anything is sent; empty transactions send nothing', () => {
  const k = new FakeKernel((msgs) => msgs.map(() => 0));
  const nft = new Nftables(k, 1);
  assert.throws(() => nft.transaction().add(t).delete(rule).run(), /has no handle/);
  assert.throws(() => nft.transaction().add({ ...t, family: 'ipx' as 'ip' }).run(), /unknown nftables family/);
  nft.transaction().run();
  assert.is(k.sent.length, 0);
});

test('toString prints the transaction as nft commands', () => {
  const tx = new Nftables(new FakeKernel(() => []), 1).transaction();
  tx.add(t).add(post).add({ table: t, name: 'masq_checks' }).add({ ...rule, comment: 'id: "abc"' }).delete({ ...rule, handle: 4 }).flush({ table: t, name: 'masq_checks' });
  tx.add({ table: t, name: 's', keyType: 'ipv4_addr', flags: ['interval'], elements: ['10.0.0.0/8'] });
  assert.is(
    tx.toString(),
    [
      'add table inet cni_x',
      'add chain inet cni_x postrouting { type nat hook postrouting priority srcnat; }',
      'add chain inet cni_x masq_checks',
      'add rule inet cni_x postrouting accept comment "id: "abc""', // nft does not escape quotes either
      'delete rule inet cni_x postrouting handle 4',
      'flush chain inet cni_x masq_checks',
      'add set inet cni_x s { type ipv4_addr; flags interval; elements = { 10.0.0.0/8 } }',
    ].join('\n'),
  );
});

test.run();
