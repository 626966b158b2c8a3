/**
 * The nftables backend (the default): our own table `inet cni_plugins_firewall` (layout in
 * nft-layout.ts, changes planned in nft-plan.ts), changed over netlink in one atomic
 * transaction per verb; no `nft` process. Each change is a read-modify-write guarded by the
 * ruleset generation: when another process changed the ruleset in between, the kernel refuses
 * the batch (ERESTART) and we read again.
 */
import { NetlinkError } from '../../../netlink/errors.js';
import { Nftables, type Transaction } from '../../../netlink/nftables/index.js';
import type { AttachmentRules } from './attachment.js';
import { FirewallCheckError, type FirewallBackend, type StaleTest } from './backend.js';
import { FIREWALL_TABLE } from './nft-layout.js';
import { missingObjects, planAdd, planRemove, type NftState } from './nft-plan.js';
import { ownerComment, type Owner } from './owner.js';
import { retryOnConflict } from './retry.js';

/** Lost a race: the generation moved (ERESTART), or a rule we meant to delete is already gone. */
const CONFLICTS = new Set(['ERESTART', 'ENOENT', 'EBUSY']);
const isConflict = (err: unknown): boolean => err instanceof NetlinkError && CONFLICTS.has(err.code);

/** Our table as it is now; an absent table is an empty state. */
function readState(nft: Nftables): NftState {
  if (!nft.getTable(FIREWALL_TABLE)) return { tableExists: false, chains: new Set(), rules: [] };
  return { tableExists: true, chains: new Set(nft.listChains(FIREWALL_TABLE).map((c) => c.name)), rules: nft.listRules(FIREWALL_TABLE) };
}

export class NftablesBackend implements FirewallBackend {
  constructor(private readonly connect: () => Nftables = () => Nftables.shared()) {}

  add(rules: AttachmentRules): void {
    this.transact((tx, state) => planAdd(tx, state, rules));
  }

  del(owner: Owner): void {
    const comment = ownerComment(owner);
    this.transact((tx, state) => planRemove(tx, state, (c) => c === comment));
  }

  gc(isStale: StaleTest): void {
    this.transact((tx, state) => planRemove(tx, state, isStale));
  }

  check(rules: AttachmentRules): void {
    using nft = this.connect();
    const missing = missingObjects(readState(nft), rules);
    if (missing.length) throw new FirewallCheckError(`nftables: expected ${missing[0]} not found`);
  }

  status(): void {
    using nft = this.connect();
    nft.listTables('inet');
  }

  /** Read, plan, run against the generation read first; again when we lost a race. */
  private transact(plan: (tx: Transaction, state: NftState) => void): void {
    using nft = this.connect();
    retryOnConflict(isConflict, () => {
      const genId = nft.genId();
      const tx = nft.transaction();
      plan(tx, readState(nft));
      if (tx.size > 0) tx.run({ genId });
    });
  }
}
