/** nf_tables rules: expressions plus nft-compatible user data (the comment). */
import { AttrWriter, NLA_F_NESTED, type Attrs } from '../codec/attr.js';
import { NetlinkDecodeError } from '../errors.js';
import { NFTA_RULE } from './consts.js';
import { familyName, type TableRef } from './family.js';
import { decodeExprs, encodeExprs } from './expr/index.js';
import type { Expr } from './expr/types.js';
import { be64, be64Bytes, requireString } from './message.js';
import { decodeComment, encodeComment } from './userdata.js';

export interface Rule {
  table: TableRef;
  chain: string;
  exprs: Expr[];
  /** Stored as NFTNL_UDATA_RULE_COMMENT, shown by `nft list` as `comment "..."`. */
  comment?: string;
  /** Kernel handle: read back by listRules; needed to delete or replace a rule. */
  handle?: number;
  /** Add after (or insert before) the rule with this handle instead of at the end (start). */
  position?: number;
}

/** NFT_MSG_NEWRULE attributes, in nft's order: table, chain, [handle], [position], expressions, userdata. */
export function ruleAttrs(r: Rule, opts: { withHandle?: boolean } = {}): Buffer {
  const w = new AttrWriter().string(NFTA_RULE.TABLE, r.table.name).string(NFTA_RULE.CHAIN, r.chain);
  if (opts.withHandle) {
    if (r.handle === undefined) throw new TypeError(`rule in ${r.table.name} ${r.chain}: a handle is required`);
    w.bytes(NFTA_RULE.HANDLE, be64Bytes(r.handle));
  }
  if (r.position !== undefined) w.bytes(NFTA_RULE.POSITION, be64Bytes(r.position));
  w.attr(NFTA_RULE.EXPRESSIONS | NLA_F_NESTED, encodeExprs(r.exprs));
  if (r.comment !== undefined) w.bytes(NFTA_RULE.USERDATA, encodeComment(r.comment));
  return w.toBuffer();
}

/** NFT_MSG_DELRULE attributes: table, chain and handle. */
export function ruleKeyAttrs(r: Pick<Rule, 'table' | 'chain' | 'handle'>): Buffer {
  if (r.handle === undefined) throw new TypeError(`delete rule in ${r.table.name} ${r.chain}: the rule has no handle (list it first)`);
  return new AttrWriter().string(NFTA_RULE.TABLE, r.table.name).string(NFTA_RULE.CHAIN, r.chain).bytes(NFTA_RULE.HANDLE, be64Bytes(r.handle)).toBuffer();
}

/** NFT_MSG_DELRULE without a handle: flush one chain, or every chain of the table. */
export function ruleFlushAttrs(table: TableRef, chain?: string): Buffer {
  const w = new AttrWriter().string(NFTA_RULE.TABLE, table.name);
  if (chain !== undefined) w.string(NFTA_RULE.CHAIN, chain);
  return w.toBuffer();
}

export function decodeRule(family: number, a: Attrs): Rule {
  const fam = familyName(family);
  const table = requireString(a, NFTA_RULE.TABLE, 'rule');
  if (!fam) throw new NetlinkDecodeError(`rule in ${table}: unknown family ${family}`);
  const exprs = a.get(NFTA_RULE.EXPRESSIONS);
  const r: Rule = { table: { family: fam, name: table }, chain: requireString(a, NFTA_RULE.CHAIN, 'rule'), exprs: exprs ? decodeExprs(exprs) : [] };
  const udata = a.get(NFTA_RULE.USERDATA);
  const comment = udata && decodeComment(udata);
  if (comment !== undefined) r.comment = comment;
  const handle = be64(a, NFTA_RULE.HANDLE);
  if (handle !== undefined) r.handle = handle;
  return r;
}
