/**
 * An nf_tables connection over NETLINK_NETFILTER in one network namespace: transactions (one
 * atomic batch each), listing of tables/chains/rules/sets, and the ruleset generation id.
 * Synchronous like the rest of src/netlink; the socket stays bound to the netns it was opened in.
 */
import { constants } from 'node:os';
import { AttrWriter } from '../codec/attr.js';
import { NetlinkChannel, type Datagrams } from '../channel.js';
import { NetlinkError } from '../errors.js';
import * as libc from '../ffi/libc.js';
import { NetlinkSocket } from '../socket.js';
import { withNetns, type Netns } from '../../lib/ns/index.js';
import { batchSeqCount, runBatch } from './batch.js';
import { decodeChain, type Chain } from './chain.js';
import { NETLINK_NETFILTER, NFT_MSG, NFTA_CHAIN, NFTA_GEN_ID, NFTA_RULE, NFTA_SET, NFTA_SET_ELEM_LIST, nftMsgType } from './consts.js';
import { familyNumber, type Family, type TableRef } from './family.js';
import { be32, nfgenmsg, parseNftPayload, type NftMessage } from './message.js';
import type { TableContents } from './render.js';
import { decodeRule, type Rule } from './rule.js';
import { decodeSet, decodeSetElems, formatElems, type NftSet } from './set.js';
import { decodeTable, type Table } from './table.js';
import { Transaction } from './transaction.js';
import * as fs from 'node:fs';

/** Make room for a batch before sending it: called with the batch's messages. */
type BufferSizer = (messages: readonly NftMessage[]) => void;

/**
 * Like nft, grow the socket buffers to fit a big batch: the whole batch must fit the send buffer
 * (else EMSGSIZE), and every message's ACK sits in the receive buffer until read (else they are
 * dropped and the outcome is unknown). A queued ACK costs about 1 KiB of buffer accounting.
 */
function socketSizer(fd: number): BufferSizer {
  let snd = 0;
  let rcv = 0;
  const grow = (opt: number, want: number, have: number): number => {
    if (want <= have) return have;
    try {
      libc.setsockoptInt(fd, libc.SOL_SOCKET, opt, want);
      return want;
    } catch {
      return have; // without CAP_NET_ADMIN: the defaults (a few hundred small messages)
    }
  };
  return (messages) => {
    const bytes = messages.reduce((n, m) => n + 40 + m.attrs.length, 64);
    snd = grow(libc.SO_SNDBUFFORCE, Math.max(bytes + (64 << 10), 256 << 10), snd);
    rcv = grow(libc.SO_RCVBUFFORCE, Math.max(messages.length * 1024 + (64 << 10), 256 << 10), rcv);
  };
}

function isNoEnt(err: unknown): boolean {
  return err instanceof NetlinkError && err.code === 'ENOENT';
}

const shared = new Map<string, Nftables>();

/** Identity of the calling thread's netns (device and inode of its nsfs file). */
function currentNetnsKey(): string {
  const st = fs.statSync('/proc/thread-self/ns/net');
  return `${st.dev}:${st.ino}`;
}

export class Nftables implements Disposable {
  private readonly channel: NetlinkChannel;
  /** Batches use their own sequence range so they never collide with the channel's requests. */
  private batchSeq: number;

  /** Use open / openIn; tests may pass a fake datagram endpoint. */
  constructor(
    private readonly io: Datagrams,
    firstSeq = Math.floor(Date.now() / 1000),
    private readonly sizeBuffers: BufferSizer = () => {},
  ) {
    this.channel = new NetlinkChannel(io, firstSeq);
    this.batchSeq = (firstSeq + 0x40000000) >>> 0;
  }

  /** A NETLINK_NETFILTER socket in the calling thread's current netns. */
  static open(): Nftables {
    const sock = NetlinkSocket.open(NETLINK_NETFILTER);
    return new Nftables(sock, undefined, socketSizer(sock.fd));
  }

  /** Enter `ns` (path, fd or Netns) just long enough to create the socket. */
  static openIn(ns: string | number | Netns): Nftables {
    return withNetns(ns, () => Nftables.open());
  }

  /**
   * One connection for the rest of the process in the calling thread's current netns, for plugins
   * (short-lived processes). Closing an NETLINK_NETFILTER socket right after a transaction that
   * deleted anything blocks for an RCU grace period (~10 ms here: the kernel flushes nf_tables'
   * destroy work on release); left open, it is released at exit, by when that grace period has
   * usually passed while the plugin did its other work. close() and dispose do nothing on it.
   */
  static shared(): Nftables {
    const key = currentNetnsKey();
    let nft = shared.get(key);
    if (!nft) {
      nft = Nftables.open();
      nft.keepOpen = true;
      shared.set(key, nft);
    }
    return nft;
  }

  private keepOpen = false;

  /** A new transaction whose run() sends through this connection. */
  transaction(): Transaction {
    return new Transaction((messages, opts) => {
      this.sizeBuffers(messages);
      const first = this.batchSeq;
      this.batchSeq = (this.batchSeq + batchSeqCount(messages.length) + 1) >>> 0; // +1: the barrier
      runBatch(this.io, messages, first, opts);
    });
  }

  /** The ruleset generation: pass it to run({ genId }) to fail (ERESTART) if anything changed since. */
  genId(): number {
    const replies = this.channel.request({ op: 'get generation', type: nftMsgType(NFT_MSG.GETGEN), body: nfgenmsg(0) });
    const id = replies.length ? be32(parseNftPayload(replies[0]!.payload).attrs, NFTA_GEN_ID) : undefined;
    if (id === undefined) throw new NetlinkError({ errno: constants.errno.ENODATA, op: 'get generation', text: 'no generation id in the reply' });
    return id;
  }

  listTables(family?: Family): Table[] {
    const body = nfgenmsg(family ? familyNumber(family) : 0);
    return this.dump('list tables', NFT_MSG.GETTABLE, body)
      .map((p) => decodeTable(p.family, p.attrs))
      .filter((t) => !family || t.family === family);
  }

  /** The table, or undefined when it does not exist. */
  getTable(ref: TableRef): Table | undefined {
    return this.listTables(ref.family).find((t) => t.name === ref.name);
  }

  listChains(table: TableRef): Chain[] {
    const body = Buffer.concat([nfgenmsg(familyNumber(table.family)), new AttrWriter().string(NFTA_CHAIN.TABLE, table.name).toBuffer()]);
    return this.dump(`list chains ${table.family} ${table.name}`, NFT_MSG.GETCHAIN, body)
      .map((p) => decodeChain(p.family, p.attrs))
      .filter((c) => c.table.family === table.family && c.table.name === table.name);
  }

  /** Rules in kernel order, with handle, comment and decoded expressions. */
  listRules(table: TableRef, chain?: string): Rule[] {
    const w = new AttrWriter().string(NFTA_RULE.TABLE, table.name);
    if (chain !== undefined) w.string(NFTA_RULE.CHAIN, chain);
    const body = Buffer.concat([nfgenmsg(familyNumber(table.family)), w.toBuffer()]);
    const op = `list rules ${table.family} ${table.name}${chain ? ` ${chain}` : ''}`;
    return this.dump(op, NFT_MSG.GETRULE, body)
      .map((p) => decodeRule(p.family, p.attrs))
      .filter((r) => r.table.family === table.family && r.table.name === table.name && (chain === undefined || r.chain === chain));
  }

  /** Named sets with their elements. */
  listSets(table: TableRef): NftSet[] {
    const fam = familyNumber(table.family);
    const body = Buffer.concat([nfgenmsg(fam), new AttrWriter().string(NFTA_SET.TABLE, table.name).toBuffer()]);
    const sets = this.dump(`list sets ${table.family} ${table.name}`, NFT_MSG.GETSET, body)
      .map((p) => decodeSet(p.family, p.attrs))
      .filter((s) => s.table.family === table.family && s.table.name === table.name);
    for (const s of sets) {
      const q = new AttrWriter().string(NFTA_SET_ELEM_LIST.TABLE, table.name).string(NFTA_SET_ELEM_LIST.SET, s.name).toBuffer();
      const raw = this.dump(`list elements ${table.family} ${table.name} ${s.name}`, NFT_MSG.GETSETELEM, Buffer.concat([nfgenmsg(fam), q])).flatMap((p) => decodeSetElems(p.attrs));
      const elements = formatElems(s.keyType, s.flags?.includes('interval') ?? false, raw);
      if (elements.length) s.elements = elements;
    }
    return sets;
  }

  /** Everything in one table (for renderTable), or undefined when the table does not exist. */
  dumpTable(ref: TableRef): TableContents | undefined {
    const table = this.getTable(ref);
    if (!table) return undefined;
    return { table, sets: this.listSets(ref), chains: this.listChains(ref), rules: this.listRules(ref) };
  }

  close(): void {
    if (!this.keepOpen) this.channel.close();
  }
  [Symbol.dispose](): void {
    this.close();
  }

  /** A dump; a missing table or set (ENOENT) is an empty list. */
  private dump(op: string, msg: number, body: Buffer) {
    try {
      return this.channel.dump({ op, type: nftMsgType(msg), body }).map((m) => parseNftPayload(m.payload));
    } catch (err) {
      if (isNoEnt(err)) return [];
      throw err;
    }
  }
}

