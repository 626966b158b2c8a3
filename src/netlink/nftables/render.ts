/**
 * nft syntax for tables, chains, rules and sets, laid out like `nft list table` prints them, for
 * logs, debugging and tests (the integration tests compare it with the real `nft list` output).
 */
import { defaultPriority, type Chain } from './chain.js';
import type { Family } from './family.js';
import { renderExprs } from './render-expr.js';
import type { Rule } from './rule.js';
import type { NftSet } from './set.js';
import type { Table } from './table.js';

type Tag = [name: string, value: number, hooks?: readonly string[]];
const STD_PRIOS: readonly Tag[] = [['raw', -300], ['mangle', -150], ['dstnat', -100, ['prerouting']], ['filter', 0], ['security', 50], ['srcnat', 100, ['postrouting']]];
const BRIDGE_PRIOS: readonly Tag[] = [['dstnat', -300, ['prerouting']], ['filter', -200], ['out', 100, ['output']], ['srcnat', 300, ['postrouting']]];

/** A priority as nft prints it: a standard name, name ± offset (up to 10), or the number. */
export function priorityText(family: Family, hook: string | undefined, prio: number): string {
  const tags = family === 'bridge' ? BRIDGE_PRIOS : family === 'netdev' ? STD_PRIOS.filter(([n]) => n === 'filter') : STD_PRIOS;
  for (const [name, value, hooks] of tags) {
    if (hooks && (!hook || !hooks.includes(hook))) continue;
    const off = prio - value;
    if (off === 0) return name;
    if (Math.abs(off) <= 10) return `${name} ${off > 0 ? '+' : '-'} ${Math.abs(off)}`;
  }
  return String(prio);
}

/** "type nat hook postrouting priority srcnat; policy accept;" (empty for a regular chain). */
export function renderChainHeader(c: Chain): string {
  if (!c.hook) return '';
  const dev = c.device !== undefined ? ` device "${c.device}"` : '';
  const prio = priorityText(c.table.family, c.hook, c.priority ?? defaultPriority(c));
  return `type ${c.type ?? 'filter'} hook ${c.hook}${dev} priority ${prio};${c.policy ? ` policy ${c.policy};` : ''}`;
}

/** The rule as nft prints it inside a chain: statements, then the comment. */
export function renderRuleBody(r: Rule): string {
  const body = renderExprs(r.table.family, r.exprs);
  return r.comment !== undefined ? `${body} comment "${r.comment}"` : body;
}

/** Set properties: "type ipv4_addr", "flags interval", "elements = { ... }", joined by `sep`. */
export function renderSetBody(s: NftSet, sep: string): string {
  const lines = [`type ${s.keyType}`];
  if (s.flags?.length) lines.push(`flags ${s.flags.join(',')}`);
  if (s.elements?.length) lines.push(`elements = { ${s.elements.join(', ')} }`);
  return lines.join(sep);
}

export interface TableContents {
  table: Table;
  chains: readonly Chain[];
  rules: readonly Rule[];
  sets?: readonly NftSet[];
}

/** A whole table, like `nft list table FAMILY NAME` (counters and handles as given, comments included). */
export function renderTable({ table, chains, rules, sets = [] }: TableContents): string {
  const blocks: string[] = [];
  for (const s of sets) blocks.push(`\tset ${s.name} {\n\t\t${renderSetBody(s, '\n\t\t')}\n\t}`);
  for (const c of chains) {
    const lines = [`\tchain ${c.name} {`];
    if (c.comment !== undefined) lines.push(`\t\tcomment "${c.comment}"`);
    const head = renderChainHeader(c);
    if (head) lines.push(`\t\t${head}`);
    for (const r of rules) if (r.chain === c.name) lines.push(`\t\t${renderRuleBody(r)}`);
    lines.push('\t}');
    blocks.push(lines.join('\n'));
  }
  // nft: flags, then the comment; a blank line separates them from the blocks only after flags.
  const flags = table.flags?.length ? `\tflags ${table.flags.join(',')}\n` : '';
  const comment = table.comment !== undefined ? `\tcomment "${table.comment}"\n` : '';
  const gap = flags && blocks.length ? '\n' : '';
  return `table ${table.family} ${table.name} {\n${flags}${comment}${gap}${blocks.join('\n\n')}${blocks.length ? '\n' : ''}}\n`;
}
