/**
 * The iptables backend's rules in the filter table, as iptables-save prints them, and the
 * iptables-restore lines that get there from what iptables-save shows now (pure, no process).
 * The layout is the reference plugin's:
 *
 *   FORWARD:                -j CNI-ISOLATION-STAGE-1   (same-bridge/isolated; before CNI-FORWARD)
 *                           -j CNI-FORWARD
 *   CNI-FORWARD:            -j CNI-ADMIN               (first; the administrator's chain, never written)
 *                           -d IP/32 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
 *                           -s IP/32 -j ACCEPT
 *   CNI-ISOLATION-STAGE-1:  -i BR ! -o BR -j CNI-ISOLATION-STAGE-2
 *                           -i BR -o BR -j DROP        (isolated only)
 *   CNI-ISOLATION-STAGE-2:  -o BR -j DROP
 *
 * with every per-attachment rule commented with its owner (owner.ts).
 */
import { planRemoval, quoteComment } from '../../../lib/iptables/index.js';
import type { AttachmentRules } from './attachment.js';
import { ownerComment } from './owner.js';

export const IPT_CHAIN = {
  forward: 'CNI-FORWARD',
  stage1: 'CNI-ISOLATION-STAGE-1',
  stage2: 'CNI-ISOLATION-STAGE-2',
} as const;

export const FORWARD_JUMP_COMMENT = 'CNI firewall plugin rules';
export const ADMIN_JUMP_COMMENT = 'CNI firewall plugin admin overrides';
export const ISOLATION_JUMP_COMMENT = 'CNI firewall plugin ingress isolation';

/** One rule: its chain and the rest of the line as iptables-save prints it. */
export interface IptRule {
  chain: string;
  spec: string;
}

/** Chains as iptables-save shows them: name -> "-A NAME ..." lines. */
export type SavedChains = ReadonlyMap<string, readonly string[]>;

const comment = (text: string): string => `-m comment --comment ${quoteComment(text)}`;
export const saveLine = (r: IptRule): string => `-A ${r.chain} ${r.spec}`;

export const forwardJump = (): IptRule => ({ chain: 'FORWARD', spec: `${comment(FORWARD_JUMP_COMMENT)} -j ${IPT_CHAIN.forward}` });
export const isolationJump = (): IptRule => ({ chain: 'FORWARD', spec: `${comment(ISOLATION_JUMP_COMMENT)} -j ${IPT_CHAIN.stage1}` });
export const adminJump = (adminChain: string): IptRule => ({ chain: IPT_CHAIN.forward, spec: `${comment(ADMIN_JUMP_COMMENT)} -j ${adminChain}` });

const isolating = (a: AttachmentRules): boolean => a.ingressPolicy !== 'open' && a.bridge !== undefined;

/** The attachment's rules of one family, isolation first (as they are inserted), then addresses. */
export function ownerRules(a: AttachmentRules, family: 4 | 6): IptRule[] {
  const c = comment(ownerComment(a.owner));
  const out: IptRule[] = [];
  const addrs = a.addresses.filter((x) => x.family === family);
  if (addrs.length === 0) return out;
  if (isolating(a)) {
    const br = a.bridge!;
    out.push({ chain: IPT_CHAIN.stage1, spec: `-i ${br} ! -o ${br} ${c} -j ${IPT_CHAIN.stage2}` });
    if (a.ingressPolicy === 'isolated') out.push({ chain: IPT_CHAIN.stage1, spec: `-i ${br} -o ${br} ${c} -j DROP` });
    out.push({ chain: IPT_CHAIN.stage2, spec: `-o ${br} ${c} -j DROP` });
  }
  for (const { address } of addrs) {
    const host = `${address}/${family === 4 ? 32 : 128}`;
    out.push({ chain: IPT_CHAIN.forward, spec: `-d ${host} -m conntrack --ctstate RELATED,ESTABLISHED ${c} -j ACCEPT` });
    out.push({ chain: IPT_CHAIN.forward, spec: `-s ${host} ${c} -j ACCEPT` });
  }
  return out;
}

/** The comment of a saved rule line, unquoted; undefined without one. */
export function commentOf(line: string): string | undefined {
  const m = / --comment (?:"((?:[^"\\]|\\.)*)"|(\S+))/.exec(line);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2];
}

/** The chains the attachment needs, in creation order. */
function neededChains(a: AttachmentRules, adminChain: string): string[] {
  return isolating(a) ? [IPT_CHAIN.forward, adminChain, IPT_CHAIN.stage1, IPT_CHAIN.stage2] : [IPT_CHAIN.forward, adminChain];
}

/**
 * FORWARD's jumps: CNI-ISOLATION-STAGE-1 must come before CNI-FORWARD (whose `-s IP -j ACCEPT`
 * would accept traffic isolation drops), so a missing jump goes where that order holds.
 */
function forwardJumpLines(forward: readonly string[], needIsolation: boolean): string[] {
  const fwd = saveLine(forwardJump());
  const iso = saveLine(isolationJump());
  const isoAt = forward.indexOf(iso);
  const hasFwd = forward.includes(fwd);
  const lines: string[] = [];
  if (!hasFwd) lines.push(`-I FORWARD ${isoAt >= 0 ? isoAt + 2 : 1} ${forwardJump().spec}`);
  if (needIsolation && isoAt < 0) lines.push(`-I FORWARD 1 ${isolationJump().spec}`);
  return lines;
}

/**
 * Restore lines for ADD in one family: create missing chains with -N (never a ":CHAIN" line,
 * which with --noflush flushes an existing chain, the admin chain included), the jumps, then
 * the attachment's rules replacing any it already had. Empty when the family has no address.
 */
export function planAdd(saved: SavedChains, a: AttachmentRules, family: 4 | 6, adminChain: string): string[] {
  const rules = ownerRules(a, family);
  if (rules.length === 0) return [];
  const lines: string[] = [];
  for (const chain of neededChains(a, adminChain)) if (!saved.has(chain)) lines.push(`-N ${chain}`);
  lines.push(...forwardJumpLines(saved.get('FORWARD') ?? [], isolating(a)));
  const admin = adminJump(adminChain);
  if (!(saved.get(IPT_CHAIN.forward) ?? []).includes(saveLine(admin))) lines.push(`-I ${admin.chain} 1 ${admin.spec}`);
  const owner = ownerComment(a.owner);
  lines.push(...planRemove(saved, (c) => c === owner));
  for (const r of rules) {
    // Isolation rules go first in their chains: a chain left by the reference plugin ends in -j RETURN.
    lines.push(r.chain === IPT_CHAIN.forward ? `-A ${r.chain} ${r.spec}` : `-I ${r.chain} 1 ${r.spec}`);
  }
  return lines;
}

/** What CHECK finds missing in one family (empty when everything is there). */
export function missingRules(saved: SavedChains, a: AttachmentRules, family: 4 | 6, adminChain: string): string[] {
  const rules = ownerRules(a, family);
  if (rules.length === 0) return [];
  const missing: string[] = neededChains(a, adminChain).filter((c) => !saved.has(c)).map((c) => `chain ${c}`);
  const wanted = [forwardJump(), adminJump(adminChain), ...(isolating(a) ? [isolationJump()] : []), ...rules];
  for (const r of wanted) if (!(saved.get(r.chain) ?? []).includes(saveLine(r))) missing.push(saveLine(r));
  return missing;
}

/** Restore lines deleting every rule whose comment the test accepts (chains stay). */
export function planRemove(saved: SavedChains, doomed: (comment: string | undefined) => boolean): string[] {
  return planRemoval(new Map([...saved].map(([k, v]) => [k, [...v]])), (_c, rule) => doomed(commentOf(rule)), []);
}
