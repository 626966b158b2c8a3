/**
 * The nftables backend over our own nf_tables netlink client (no `nft` process): each operation
 * is one listing per table plus one atomic batch. Rules are found again by their comment, the
 * container ID, exactly as the reference finds them, so either implementation can remove the
 * other's rules.
 */
import { isNotFound } from '../../../../netlink/errors.js';
import { SyscallError } from '../../../../netlink/ffi/libc.js';
import { Nftables, renderRuleBody, type Rule, type Transaction } from '../../../../netlink/nftables/index.js';
import type { IpFamily } from '../../../../netlink/codec/ip.js';
import type { PortmapSettings } from '../config.js';
import { compileNftConditions } from '../conditions.js';
import { PortmapCheckError, PortmapSetupError, PortmapTeardownError } from '../errors.js';
import type { ForwardTarget, Owner, PortMapper } from '../target.js';
import { CHAIN, CONTAINER_CHAINS, dnatRules, isContainerRule, masqueradeRules, queueStructure, tableRef } from './layout.js';

const FAMILIES: readonly IpFamily[] = [4, 6];

/** Run a listing-then-batch step again once when a listed rule vanished meanwhile (ENOENT). */
function withOneRetry(step: () => void): void {
  try {
    step();
  } catch (err) {
    if (!isNotFound(err)) throw err;
    step();
  }
}

export class NftablesPortMapper implements PortMapper {
  /** Opens a connection in the current netns per operation; tests may pass another factory. */
  constructor(private readonly connect: () => Nftables = () => Nftables.shared()) {}

  forward(owner: Owner, settings: PortmapSettings, targets: readonly ForwardTarget[]): void {
    using nft = this.connect();
    try {
      withOneRetry(() => {
        const tx = nft.transaction();
        for (const target of targets) queueForward(tx, nft, owner, settings, target);
        tx.run();
      });
    } catch (err) {
      throw new PortmapSetupError(`unable to set up nftables rules for port mappings: ${(err as Error).message}`, { cause: err });
    }
  }

  check(owner: Owner, settings: PortmapSettings, targets: readonly ForwardTarget[]): void {
    using nft = this.connect();
    for (const target of targets) {
      const listed = nft.listRules(tableRef(target.family));
      for (const name of [CHAIN.prerouting, CHAIN.output]) {
        if (!listed.some((r) => r.chain === name && renderRuleBody(r).endsWith(`jump ${CHAIN.all}`))) {
          throw new PortmapCheckError(`missing hostport entry rule in "${name}" chain of table ${tableRef(target.family).family} ${tableRef(target.family).name}`);
        }
      }
      const wanted = [...dnatRules(target, owner.containerId), ...(settings.snat ? masqueradeRules(target, owner.containerId, settings.masqAll) : [])];
      const have = new Set(listed.filter((r) => isContainerRule(r, owner.containerId)).map(ruleKey));
      for (const r of wanted) {
        if (!have.has(ruleKey(r))) throw new PortmapCheckError(`missing hostport rules in "${r.chain}" chain: ${renderRuleBody(r)}`);
      }
    }
  }

  unforward(owner: Owner): void {
    this.deleteWhere((r) => isContainerRule(r, owner.containerId), 'error deleting nftables rules');
  }

  /**
   * The rules name only the container, not the network: every rule of a container that is not
   * in `keep` goes, whichever network added it (see the man page).
   */
  gc(_network: string, keep: ReadonlySet<string>): void {
    this.deleteWhere((r) => r.comment !== undefined && CONTAINER_CHAINS.includes(r.chain) && !keep.has(r.comment), 'error deleting stale nftables rules');
  }

  private deleteWhere(doomed: (r: Rule) => boolean, what: string): void {
    let conn: Nftables;
    try {
      conn = this.connect();
    } catch (err) {
      // A kernel without nf_tables holds no rules of ours.
      if (err instanceof SyscallError && err.code === 'EPROTONOSUPPORT') return;
      throw new PortmapTeardownError(`${what}: ${(err as Error).message}`, { cause: err });
    }
    using nft = conn;
    try {
      withOneRetry(() => {
        const tx = nft.transaction();
        for (const family of FAMILIES) for (const r of nft.listRules(tableRef(family))) if (doomed(r)) tx.delete(r);
        if (tx.size > 0) tx.run();
      });
    } catch (err) {
      throw new PortmapTeardownError(`${what}: ${(err as Error).message}`, { cause: err });
    }
  }
}

/** Structure, removal of the container's previous rules (a repeated ADD), then its new rules. */
function queueForward(tx: Transaction, nft: Nftables, owner: Owner, settings: PortmapSettings, target: ForwardTarget): void {
  const key = target.family === 4 ? 'conditionsV4' : 'conditionsV6';
  const t = tableRef(target.family);
  const present = nft.getTable(t) ? new Set(nft.listChains(t).map((c) => c.name)) : undefined;
  const listed = present ? nft.listRules(t) : [];
  queueStructure(tx, target.family, compileNftConditions(key, target.family, settings[key]), settings.snat, listed, present);
  for (const r of listed) if (isContainerRule(r, owner.containerId)) tx.delete(r);
  // The newest container wins a contested host port (as with the reference's iptables backend):
  // insert at the top, in reverse so that the container's own rules keep the mapping order.
  for (const r of dnatRules(target, owner.containerId).reverse()) tx.insert(r);
  if (settings.snat) for (const r of masqueradeRules(target, owner.containerId, settings.masqAll)) tx.add(r);
}

/** Chain plus nft text: equal for a rule we would add and the same rule listed back. */
function ruleKey(r: Rule): string {
  return `${r.chain}\n${renderRuleBody(r)}`;
}
