/** Named sets: the set object, its elements (intervals encoded the way nft does) and dump parsing. */
import { Attrs, AttrWriter } from '../codec/attr.js';
import { NetlinkDecodeError } from '../errors.js';
import { NFT_SET_ELEM_INTERVAL_END, NFT_SET_F, NFTA_DATA, NFTA_LIST_ELEM, NFTA_SET, NFTA_SET_ELEM, NFTA_SET_ELEM_LIST, NFTNL_UDATA_SET_KEYBYTEORDER } from './consts.js';
import { FlagNames } from './expr/codec.js';
import { familyName, type TableRef } from './family.js';
import { be32, be64, requireString } from './message.js';
import { decrement, formatRange, increment, KEY_TYPES, keyTypeById, parseRange, type KeyRange, type SetKeyType } from './set-keys.js';
import { encodeUdata } from './userdata.js';

export type SetFlag = 'constant' | 'interval' | 'timeout';

export interface NftSet {
  table: TableRef;
  name: string;
  keyType: SetKeyType;
  flags?: SetFlag[];
  /** Element text: "10.0.0.1", "80", "tcp"; with the interval flag also "10.0.0.0/8" and "lo-hi". */
  elements?: string[];
  handle?: number;
}

/** Elements to add to or delete from a set (the set object gives their key type). */
export interface SetElements {
  set: Pick<NftSet, 'table' | 'name' | 'keyType' | 'flags'>;
  elements: string[];
}

export const SET_FLAGS = new FlagNames<SetFlag>('set', [
  ['constant', NFT_SET_F.CONSTANT],
  ['interval', NFT_SET_F.INTERVAL],
  ['timeout', NFT_SET_F.TIMEOUT],
]);

/** NFT_MSG_NEWSET attributes, in nft's order; `id` names the set inside the transaction. */
export function setAttrs(s: NftSet, id: number): Buffer {
  const key = KEY_TYPES[s.keyType];
  if (!key) throw new TypeError(`set ${s.name}: unknown key type "${s.keyType}"`);
  const byteorder = Buffer.alloc(4);
  byteorder.writeUInt32LE(key.byteorder); // nft stores it host-endian
  return new AttrWriter()
    .string(NFTA_SET.TABLE, s.table.name)
    .string(NFTA_SET.NAME, s.name)
    .u32be(NFTA_SET.FLAGS, SET_FLAGS.value(s.flags))
    .u32be(NFTA_SET.KEY_TYPE, key.id)
    .u32be(NFTA_SET.KEY_LEN, key.len)
    .u32be(NFTA_SET.ID, id)
    .bytes(NFTA_SET.USERDATA, encodeUdata([{ type: NFTNL_UDATA_SET_KEYBYTEORDER, value: byteorder }]))
    .toBuffer();
}

export function setKeyAttrs(s: { table: TableRef; name: string }): Buffer {
  return new AttrWriter().string(NFTA_SET.TABLE, s.table.name).string(NFTA_SET.NAME, s.name).toBuffer();
}

export interface RawElem {
  key: Buffer;
  end: boolean;
}

/**
 * Interval elements as nft sends them for the kernel's rbtree: each range is its first key plus
 * an INTERVAL_END element at last+1, and a leading END at zero when the first range starts above it.
 */
function intervalElems(type: SetKeyType, texts: readonly string[]): RawElem[] {
  const ranges = texts.map((t) => parseRange(type, t)).sort((a, b) => Buffer.compare(a.first, b.first));
  const out: RawElem[] = [];
  const zero = Buffer.alloc(KEY_TYPES[type].len);
  if (ranges.length && !ranges[0]!.first.equals(zero)) out.push({ key: zero, end: true });
  for (const r of ranges) {
    out.push({ key: r.first, end: false });
    const next = increment(r.last);
    if (next) out.push({ key: next, end: true });
  }
  return out;
}

/** NFT_MSG_NEWSETELEM / DELSETELEM attributes. Without elements (a flush) only table and set. */
export function setElemsAttrs(
  ref: { table: TableRef; set: string; setId?: number },
  type: SetKeyType | undefined,
  interval: boolean,
  texts: readonly string[] | undefined,
): Buffer {
  const w = new AttrWriter().string(NFTA_SET_ELEM_LIST.TABLE, ref.table.name).string(NFTA_SET_ELEM_LIST.SET, ref.set);
  if (ref.setId !== undefined) w.u32be(NFTA_SET_ELEM_LIST.SET_ID, ref.setId);
  if (texts === undefined) return w.toBuffer();
  if (!type) throw new TypeError(`elements of set ${ref.set}: the key type is needed`);
  const elems = interval ? intervalElems(type, texts) : texts.map((t) => ({ key: KEY_TYPES[type].parse(t), end: false }));
  w.nested(NFTA_SET_ELEM_LIST.ELEMENTS, (list) => {
    for (const e of elems) {
      list.nested(NFTA_LIST_ELEM, (x) => {
        x.nested(NFTA_SET_ELEM.KEY, (k) => k.bytes(NFTA_DATA.VALUE, e.key));
        if (e.end) x.u32be(NFTA_SET_ELEM.FLAGS, NFT_SET_ELEM_INTERVAL_END);
      });
    }
  });
  return w.toBuffer();
}

export function decodeSet(family: number, a: Attrs): NftSet {
  const fam = familyName(family);
  const name = requireString(a, NFTA_SET.NAME, 'set');
  if (!fam) throw new NetlinkDecodeError(`set ${name}: unknown family ${family}`);
  const keyId = be32(a, NFTA_SET.KEY_TYPE) ?? 0;
  const keyType = keyTypeById(keyId);
  if (!keyType) throw new NetlinkDecodeError(`set ${name}: unsupported key type ${keyId}`);
  const s: NftSet = { table: { family: fam, name: requireString(a, NFTA_SET.TABLE, 'set') }, name, keyType };
  const flags = (be32(a, NFTA_SET.FLAGS) ?? 0) & SET_FLAGS.value(['constant', 'interval', 'timeout']);
  if (flags) s.flags = SET_FLAGS.names(flags);
  const handle = be64(a, NFTA_SET.HANDLE);
  if (handle !== undefined) s.handle = handle;
  return s;
}

/** Raw elements of one NEWSETELEM dump message. */
export function decodeSetElems(a: Attrs): RawElem[] {
  const list = a.nested(NFTA_SET_ELEM_LIST.ELEMENTS);
  if (!list) return [];
  return list.list.map((item) => {
    const e = Attrs.parse(item.data);
    const key = e.nested(NFTA_SET_ELEM.KEY)?.get(NFTA_DATA.VALUE);
    if (!key) throw new NetlinkDecodeError('set element without a key');
    return { key: Buffer.from(key), end: ((be32(e, NFTA_SET_ELEM.FLAGS) ?? 0) & NFT_SET_ELEM_INTERVAL_END) !== 0 };
  });
}

/** Element texts from raw elements: intervals are folded back into CIDRs and ranges. */
export function formatElems(type: SetKeyType, interval: boolean, raw: readonly RawElem[]): string[] {
  const info = KEY_TYPES[type];
  if (!interval) return raw.filter((e) => !e.end).map((e) => info.format(e.key));
  const sorted = [...raw].sort((x, y) => Buffer.compare(x.key, y.key) || (x.end ? -1 : 1));
  const out: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i]!;
    if (e.end) continue;
    const close = sorted.slice(i + 1).find((x) => x.end);
    const last = close ? decrement(close.key) : Buffer.alloc(info.len, 0xff);
    const r: KeyRange = { first: e.key, last };
    out.push(formatRange(type, r));
  }
  return out;
}
