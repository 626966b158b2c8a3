/**
 * Transaction verbs in the style of knftables: queue changes with add/create/insert/replace/
 * delete/flush, then run() sends them as one atomic batch. Queuing never throws; an invalid
 * object (a rule to delete without a handle, an unknown key type) fails run() before anything is
 * sent. toString() prints the transaction as `nft` commands.
 */
import { NLM_F } from '../codec/consts.js';
import type { BatchOptions } from './batch.js';
import { chainAttrs, chainKeyAttrs, type Chain } from './chain.js';
import { NFT_MSG } from './consts.js';
import { familyNumber, type TableRef } from './family.js';
import type { NftMessage } from './message.js';
import { renderChainHeader, renderRuleBody, renderSetBody } from './render.js';
import { ruleAttrs, ruleFlushAttrs, ruleKeyAttrs, type Rule } from './rule.js';
import { setAttrs, setElemsAttrs, setKeyAttrs, type NftSet, type SetElements } from './set.js';
import { tableAttrs, tableKeyAttrs, type Table } from './table.js';

export type NftObject = Table | Chain | Rule | NftSet | SetElements;
type Verb = 'add' | 'create' | 'insert' | 'replace' | 'delete' | 'flush';
type Kind = 'table' | 'chain' | 'rule' | 'set' | 'element';

/** Which object this is, by shape: rules have exprs, sets a keyType, element lists a set object. */
export function objectKind(o: NftObject): Kind {
  if ('exprs' in o) return 'rule';
  if ('keyType' in o) return 'set';
  if ('elements' in o && 'set' in o) return 'element';
  if ('table' in o) return 'chain';
  if ('family' in o) return 'table';
  throw new TypeError('not an nftables object (table, chain, rule, set or set elements)');
}

function tableOf(o: NftObject): TableRef {
  if ('family' in o) return o;
  if ('table' in o) return o.table;
  return o.set.table;
}

interface Op {
  verb: Verb;
  obj: NftObject;
}

export type TransactionRunner = (messages: NftMessage[], opts: BatchOptions) => void;

export class Transaction {
  private readonly ops: Op[] = [];

  /** Without a runner the transaction can still be encoded (messages()) and printed. */
  constructor(private readonly runner?: TransactionRunner) {}

  /** Create the object if it does not exist (rules: append to the chain or after `position`). */
  add(obj: NftObject): this {
    return this.push('add', obj);
  }
  /** Like add, but fail with EEXIST when the table/chain/set/element exists. */
  create(obj: NftObject): this {
    return this.push('create', obj);
  }
  /** Put a rule at the start of its chain (or before the rule with handle `position`). */
  insert(rule: Rule): this {
    return this.push('insert', rule);
  }
  /** Replace the rule with handle `rule.handle`. */
  replace(rule: Rule): this {
    return this.push('replace', rule);
  }
  /** Delete an object: tables, chains and sets by name, rules by handle, elements by value. */
  delete(obj: NftObject): this {
    return this.push('delete', obj);
  }
  /** Remove every rule of a chain (or of every chain of a table), or every element of a set. */
  flush(obj: Table | Chain | NftSet): this {
    return this.push('flush', obj);
  }

  private push(verb: Verb, obj: NftObject): this {
    this.ops.push({ verb, obj });
    return this;
  }

  get size(): number {
    return this.ops.length;
  }

  /** The netlink messages, in order (validation errors surface here). */
  messages(): NftMessage[] {
    const setIds = new Map<string, number>(); // sets created here, for their elements' SET_ID
    return this.ops.flatMap((op) => encodeOp(op, setIds));
  }

  /** Send everything as one batch; throws NftTransactionError naming the failing message. */
  run(opts: BatchOptions = {}): void {
    if (!this.runner) throw new Error('this transaction is not bound to a connection (use Nftables.transaction())');
    this.runner(this.messages(), opts);
  }

  /** The transaction as nft commands, one per line. */
  toString(): string {
    return this.ops.map(({ verb, obj }) => commandText(verb, obj)).join('\n');
  }
}

const setKey = (t: TableRef, name: string): string => `${t.family} ${t.name} ${name}`;

/** The message(s) of one queued operation: a set with elements is NEWSET + NEWSETELEM. */
function encodeOp({ verb, obj }: Op, setIds: Map<string, number>): NftMessage[] {
  const family = familyNumber(tableOf(obj).family);
  const op = opText(verb, obj);
  const m = (msg: number, flags: number, attrs: Buffer): NftMessage => ({ op, msg, flags, family, attrs });
  const create = verb === 'create' ? NLM_F.CREATE | NLM_F.EXCL : NLM_F.CREATE;
  switch (objectKind(obj)) {
    case 'table': {
      const o = obj as Table;
      if (verb === 'delete') return [m(NFT_MSG.DELTABLE, 0, tableKeyAttrs(o))];
      if (verb === 'flush') return [m(NFT_MSG.DELRULE, 0, ruleFlushAttrs(o))];
      return [m(NFT_MSG.NEWTABLE, create, tableAttrs(o))];
    }
    case 'chain': {
      const o = obj as Chain;
      if (verb === 'delete') return [m(NFT_MSG.DELCHAIN, 0, chainKeyAttrs(o))];
      if (verb === 'flush') return [m(NFT_MSG.DELRULE, 0, ruleFlushAttrs(o.table, o.name))];
      return [m(NFT_MSG.NEWCHAIN, create, chainAttrs(o))];
    }
    case 'rule': {
      const o = obj as Rule;
      if (verb === 'delete') return [m(NFT_MSG.DELRULE, 0, ruleKeyAttrs(o))];
      if (verb === 'replace') return [m(NFT_MSG.NEWRULE, NLM_F.REPLACE, ruleAttrs(o, { withHandle: true }))];
      if (verb === 'insert') return [m(NFT_MSG.NEWRULE, NLM_F.CREATE, ruleAttrs(o))];
      return [m(NFT_MSG.NEWRULE, NLM_F.CREATE | NLM_F.APPEND, ruleAttrs(o))];
    }
    case 'set': {
      const o = obj as NftSet;
      if (verb === 'delete') return [m(NFT_MSG.DELSET, 0, setKeyAttrs(o))];
      if (verb === 'flush') return [m(NFT_MSG.DELSETELEM, 0, setElemsAttrs({ table: o.table, set: o.name }, o.keyType, false, undefined))];
      const setId = setIds.size + 1;
      setIds.set(setKey(o.table, o.name), setId);
      const out = [m(NFT_MSG.NEWSET, create, setAttrs(o, setId))];
      if (o.elements?.length) {
        const attrs = setElemsAttrs({ table: o.table, set: o.name, setId }, o.keyType, o.flags?.includes('interval') ?? false, o.elements);
        out.push({ op: `add element ${setKey(o.table, o.name)}`, msg: NFT_MSG.NEWSETELEM, flags: NLM_F.CREATE, family, attrs });
      }
      return out;
    }
    case 'element': {
      const { set, elements } = obj as SetElements;
      const setId = setIds.get(setKey(set.table, set.name));
      const ref = { table: set.table, set: set.name, ...(setId === undefined ? {} : { setId }) };
      const attrs = setElemsAttrs(ref, set.keyType, set.flags?.includes('interval') ?? false, elements);
      return [verb === 'delete' ? m(NFT_MSG.DELSETELEM, 0, attrs) : m(NFT_MSG.NEWSETELEM, create, attrs)];
    }
  }
}

function where(obj: NftObject): string {
  const t = tableOf(obj);
  return `${t.family} ${t.name}`;
}

/** Short description for errors: "add rule inet t postrouting". */
function opText(verb: Verb, obj: NftObject): string {
  const kind = objectKind(obj);
  const v = verb === 'flush' && kind === 'set' ? 'flush' : verb;
  switch (kind) {
    case 'table':
      return `${v} table ${where(obj)}`;
    case 'chain':
      return `${v} chain ${where(obj)} ${(obj as Chain).name}`;
    case 'rule': {
      const r = obj as Rule;
      return `${v} rule ${where(obj)} ${r.chain}${verb === 'delete' || verb === 'replace' ? ` handle ${r.handle ?? '?'}` : ''}`;
    }
    case 'set':
      return `${v} set ${where(obj)} ${(obj as NftSet).name}`;
    case 'element':
      return `${v} element ${where(obj)} ${(obj as SetElements).set.name}`;
  }
}

/** Full nft command text (for logs and toString). */
function commandText(verb: Verb, obj: NftObject): string {
  const kind = objectKind(obj);
  const head = opText(verb, obj);
  if (verb === 'delete' || verb === 'flush') {
    if (kind === 'element') return `${head} { ${(obj as SetElements).elements.join(', ')} }`;
    return head;
  }
  switch (kind) {
    case 'table': {
      const { comment } = obj as Table;
      return comment !== undefined ? `${head} { comment "${comment}"; }` : head;
    }
    case 'chain': {
      const c = obj as Chain;
      const body = [renderChainHeader(c), c.comment !== undefined ? `comment "${c.comment}";` : ''].filter(Boolean).join(' ');
      return body ? `${head} { ${body} }` : head;
    }
    case 'rule':
      return `${head} ${renderRuleBody(obj as Rule)}`;
    case 'set':
      return `${head} { ${renderSetBody(obj as NftSet, '; ')} }`;
    case 'element':
      return `${head} { ${(obj as SetElements).elements.join(', ')} }`;
    default:
      return head;
  }
}
