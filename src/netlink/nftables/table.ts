/** nf_tables tables: typed object, message attributes and dump parsing. */
import { AttrWriter, type Attrs } from '../codec/attr.js';
import { NFT_TABLE_F, NFTA_TABLE } from './consts.js';
import { familyName, type Family } from './family.js';
import { be32, be64, requireString } from './message.js';
import { FlagNames } from './expr/codec.js';
import { decodeComment, encodeComment } from './userdata.js';

export type TableFlag = 'dormant' | 'owner';

export interface Table {
  family: Family;
  name: string;
  flags?: TableFlag[];
  /** Stored as NFTA_TABLE_USERDATA (like a rule comment), shown by `nft list` as `comment "..."`. */
  comment?: string;
  /** Set by the kernel; read back by listTables. */
  handle?: number;
}

export const TABLE_FLAGS = new FlagNames<TableFlag>('table', [
  ['dormant', NFT_TABLE_F.DORMANT],
  ['owner', NFT_TABLE_F.OWNER],
]);

/** NFT_MSG_NEWTABLE attributes, in nft's order: name, flags (always, 0 included), userdata. */
export function tableAttrs(t: Table): Buffer {
  const w = new AttrWriter().string(NFTA_TABLE.NAME, t.name).u32be(NFTA_TABLE.FLAGS, TABLE_FLAGS.value(t.flags));
  if (t.comment !== undefined) w.bytes(NFTA_TABLE.USERDATA, encodeComment(t.comment));
  return w.toBuffer();
}

/** NFT_MSG_DELTABLE attributes: by name. */
export function tableKeyAttrs(t: { name: string }): Buffer {
  return new AttrWriter().string(NFTA_TABLE.NAME, t.name).toBuffer();
}

export function decodeTable(family: number, a: Attrs): Table {
  const fam = familyName(family);
  const name = requireString(a, NFTA_TABLE.NAME, 'table');
  if (!fam) throw new TypeError(`table ${name}: unknown family ${family}`);
  const t: Table = { family: fam, name };
  const flags = be32(a, NFTA_TABLE.FLAGS);
  if (flags) t.flags = TABLE_FLAGS.names(flags);
  const udata = a.get(NFTA_TABLE.USERDATA);
  const comment = udata && decodeComment(udata);
  if (comment !== undefined) t.comment = comment;
  const handle = be64(a, NFTA_TABLE.HANDLE);
  if (handle !== undefined) t.handle = handle;
  return t;
}
