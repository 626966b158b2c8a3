/**
 * The iptables backend: the reference's chains, written with one iptables-save and one
 * iptables-restore --noflush per address family and operation (instead of one iptables process
 * per rule, each waiting for the xtables lock). Loaded only when the config selects iptables.
 */
import { iptablesRestore, iptablesSave, planRemoval, type IptFamily, type SavedTable } from '../../../../lib/iptables/index.js';
import type { PortmapSettings } from '../config.js';
import { PortmapCheckError, PortmapSetupError, PortmapTeardownError } from '../errors.js';
import type { ForwardTarget, Owner, PortMapper } from '../target.js';
import { dnatChainName, oldSnatChainName } from './chain-name.js';
import { findMissing, planForward, staleChains } from './plan.js';
import { normalizeRule, parseDnatComment } from './rules.js';

const FAMILIES: readonly IptFamily[] = [4, 6];
/** A batch planned from a save can fail when another writer changed the table meanwhile. */
const ATTEMPTS = 3;

function retried(step: () => void): void {
  for (let attempt = 1; ; attempt++) {
    try {
      step();
      return;
    } catch (err) {
      if (attempt >= ATTEMPTS) throw err;
    }
  }
}

/** The nat table, or undefined when (ip6)tables is not usable here. */
function trySave(family: IptFamily, failures: string[]): SavedTable | undefined {
  try {
    return iptablesSave(family, 'nat');
  } catch (err) {
    failures.push(`(${family === 4 ? 'iptables' : 'ip6tables'}) ${(err as Error).message}`);
    return undefined;
  }
}

export class IptablesPortMapper implements PortMapper {
  forward(owner: Owner, settings: PortmapSettings, targets: readonly ForwardTarget[]): void {
    const dnChain = dnatChainName(owner.network, owner.containerId);
    for (const target of targets) {
      try {
        retried(() => {
          const saved = iptablesSave(target.family, 'nat');
          iptablesRestore(target.family, { table: 'nat', lines: planForward(saved.chains, owner, settings, target, dnChain) });
        });
      } catch (err) {
        throw new PortmapSetupError(`unable to setup DNAT: ${(err as Error).message}`, { cause: err });
      }
    }
  }

  check(owner: Owner, settings: PortmapSettings, targets: readonly ForwardTarget[]): void {
    const dnChain = dnatChainName(owner.network, owner.containerId);
    for (const target of targets) {
      const saved = iptablesSave(target.family, 'nat');
      const missing = findMissing(saved.chains, owner, settings, target, dnChain, normalizeRule);
      if (missing) throw new PortmapCheckError(`could not check ipv${target.family} dnat: ${missing}`);
    }
  }

  /**
   * Remove the container's chain (and an old release's SNAT chain) with every rule jumping to
   * them. A family whose iptables is unusable is skipped; both unusable is an error, as in the reference.
   */
  unforward(owner: Owner): void {
    const chains = [dnatChainName(owner.network, owner.containerId), oldSnatChainName(owner.network, owner.containerId)];
    this.removeChains('could not teardown', () => chains);
  }

  gc(network: string, keep: ReadonlySet<string>): void {
    this.removeChains('could not remove stale port mappings', (saved) => staleChains(saved.chains, network, keep, parseDnatComment));
  }

  private removeChains(what: string, pick: (saved: SavedTable) => string[]): void {
    const unusable: string[] = [];
    for (const family of FAMILIES) {
      try {
        retried(() => {
          const saved = trySave(family, unusable);
          if (!saved) return;
          const lines = planRemoval(saved.chains, () => false, pick(saved));
          if (lines.length) iptablesRestore(family, { table: 'nat', lines });
        });
      } catch (err) {
        throw new PortmapTeardownError(`${what} ipv${family} dnat: ${(err as Error).message}`, { cause: err });
      }
    }
    // Each failed save is recorded once per attempt; a family counts once.
    const failedFamilies = new Set(unusable.map((u) => u.slice(0, u.indexOf(')') + 1)));
    if (failedFamilies.size === FAMILIES.length) throw new PortmapTeardownError(`neither iptables nor ip6tables is usable, ${[...new Set(unusable)].join(', ')}`);
  }
}
