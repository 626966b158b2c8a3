/**
 * What the nftables backend changes, planned from what the table holds now (pure: the backend
 * reads the state and runs the transaction).
 */
import { renderRuleBody, type Rule, type Transaction } from '../../../netlink/nftables/index.js';
import type { AttachmentRules } from './attachment.js';
import { ADMIN_JUMP_COMMENT, FIREWALL_TABLE, ISOLATION_JUMP_COMMENT, NFT_CHAIN, adminJump, allChains, isolationJump, ownerRules, ruleKey } from './nft-layout.js';
import { ownerComment } from './owner.js';

/** Our table as listed: whether it exists, its chain names and every rule (with handles). */
export interface NftState {
  tableExists: boolean;
  chains: ReadonlySet<string>;
  rules: readonly Rule[];
}

/**
 * Table and chains that are missing, and the two jumps at the head of forward: admin first, then
 * isolation. Existing chains are left alone (an `add` of an existing base chain would fail if the
 * administrator changed its priority, and must never touch its policy).
 */
function planSkeleton(tx: Transaction, state: NftState): void {
  if (!state.tableExists) tx.add(FIREWALL_TABLE);
  for (const c of allChains()) if (!state.chains.has(c.name)) tx.add(c);
  const forward = state.rules.filter((r) => r.chain === NFT_CHAIN.forward);
  const admin = forward.find((r) => r.comment === ADMIN_JUMP_COMMENT);
  const isolation = forward.find((r) => r.comment === ISOLATION_JUMP_COMMENT);
  if (!isolation) {
    // After the admin jump when it is there; otherwise at the head, before the admin jump inserted next.
    if (admin?.handle !== undefined) tx.add({ ...isolationJump(), position: admin.handle });
    else tx.insert(isolationJump());
  }
  if (!admin) tx.insert(adminJump());
}

/** ADD: the skeleton, then the attachment's rules replacing any it had. */
export function planAdd(tx: Transaction, state: NftState, a: AttachmentRules): void {
  planSkeleton(tx, state);
  const comment = ownerComment(a.owner);
  for (const r of state.rules) if (r.comment === comment) tx.delete(r);
  for (const r of ownerRules(a)) tx.add(r);
}

/** DEL and GC: delete the rules whose comment the test accepts. */
export function planRemove(tx: Transaction, state: NftState, doomed: (comment: string | undefined) => boolean): void {
  for (const r of state.rules) if (doomed(r.comment)) tx.delete(r);
}

/** CHECK: what is missing ("table ...", "chain NAME", "rule TEXT in chain NAME"); empty when all is there. */
export function missingObjects(state: NftState, a: AttachmentRules): string[] {
  if (!state.tableExists) return [`table ${FIREWALL_TABLE.family} ${FIREWALL_TABLE.name}`];
  const missing = allChains().filter((c) => !state.chains.has(c.name)).map((c) => `chain ${c.name}`);
  const present = new Set(state.rules.map(ruleKey));
  for (const r of [adminJump(), isolationJump(), ...ownerRules(a)]) {
    if (!present.has(ruleKey(r))) missing.push(`rule ${renderRuleBody(r)} in chain ${r.chain}`);
  }
  return missing;
}
