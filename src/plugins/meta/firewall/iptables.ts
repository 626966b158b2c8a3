/**
 * The iptables backend: the reference plugin's chains in the filter table (layout in
 * ipt-layout.ts), through one `iptables-restore --noflush` per family and verb, planned from
 * what `iptables-save` shows just before. A restore that fails because another process changed
 * the table in between (a chain now exists, a rule is already gone) is planned and run again.
 */
import { iptablesAvailable, iptablesMayHaveChain, iptablesRestore, iptablesSave, IptablesError, type IptFamily } from '../../../lib/iptables/index.js';
import type { AttachmentRules } from './attachment.js';
import { BackendUnavailableError, FirewallCheckError, type FirewallBackend, type StaleTest } from './backend.js';
import { IPT_CHAIN, missingRules, planAdd, planRemove, type SavedChains } from './ipt-layout.js';
import { ownerComment, type Owner } from './owner.js';
import { retryOnConflict } from './retry.js';

const FAMILIES: readonly IptFamily[] = [4, 6];

export class IptablesBackend implements FirewallBackend {
  constructor(private readonly adminChain: string) {}

  add(rules: AttachmentRules): void {
    const done: IptFamily[] = [];
    try {
      for (const family of familiesOf(rules)) {
        apply(family, (saved) => planAdd(saved, rules, family, this.adminChain));
        done.push(family);
      }
    } catch (err) {
      // One family may be in place already: take its rules out again so a failed ADD leaves nothing.
      const comment = ownerComment(rules.owner);
      for (const family of done) {
        try {
          apply(family, (saved) => planRemove(saved, (c) => c === comment));
        } catch {
          // best effort; the original error is what ADD reports
        }
      }
      throw err;
    }
  }

  del(owner: Owner): void {
    const comment = ownerComment(owner);
    for (const family of FAMILIES) removeWhereAvailable(family, (c) => c === comment);
  }

  gc(isStale: StaleTest): void {
    for (const family of FAMILIES) removeWhereAvailable(family, isStale);
  }

  check(rules: AttachmentRules): void {
    for (const family of familiesOf(rules)) {
      const missing = missingRules(iptablesSave(family, 'filter').chains, rules, family, this.adminChain);
      if (missing.length) throw new FirewallCheckError(`expected ${family === 6 ? 'ip6tables' : 'iptables'} rule not found: ${missing[0]}`);
    }
  }

  status(): void {
    if (!iptablesAvailable(4) && !iptablesAvailable(6)) {
      throw new BackendUnavailableError('iptables-save and iptables-restore cannot be run here (for IPv4 or IPv6)');
    }
  }
}

const familiesOf = (rules: AttachmentRules): IptFamily[] => FAMILIES.filter((f) => rules.addresses.some((a) => a.family === f));

/**
 * DEL and GC must not fail where a family's tools or kernel side are missing (nothing can be
 * there); availability is probed only after a failure, so the common path runs no extra process.
 */
function removeWhereAvailable(family: IptFamily, doomed: StaleTest): void {
  // No iptables filter table that could hold CNI-FORWARD: nothing of ours, no process started.
  if (!iptablesMayHaveChain(family, 'filter', IPT_CHAIN.forward)) return;
  try {
    apply(family, (saved) => planRemove(saved, doomed));
  } catch (err) {
    if (err instanceof IptablesError && !iptablesAvailable(family)) return;
    throw err;
  }
}

/** A restore that failed; its stderr cannot tell a lost race (chain exists, rule gone) from other failures. */
class RestoreFailed extends Error {
  override readonly name = 'RestoreFailed';
}

/** Save, plan, restore; again on a failed restore, which may be a race with another writer. */
function apply(family: IptFamily, plan: (saved: SavedChains) => string[]): void {
  try {
    retryOnConflict(
      (err) => err instanceof RestoreFailed,
      () => {
        const lines = plan(iptablesSave(family, 'filter').chains);
        if (lines.length === 0) return;
        try {
          iptablesRestore(family, { table: 'filter', lines });
        } catch (err) {
          throw err instanceof IptablesError ? new RestoreFailed(err.message, { cause: err }) : err;
        }
      },
    );
  } catch (err) {
    throw err instanceof RestoreFailed ? err.cause : err;
  }
}
