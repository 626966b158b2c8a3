/**
 * Whether iptables could hold a given chain, answered without starting iptables-save: a DEL that
 * tears down "both backends" should not fork two processes to learn that nothing is there.
 * iptables-nft keeps its tables as nf_tables tables `ip nat`, `ip6 filter`, ... (readable over
 * our netlink); iptables-legacy's tables appear in /proc/net/ip{,6}_tables_names once loaded.
 * Unsure means yes: the caller then asks iptables-save as before.
 */
import * as fs from 'node:fs';
import { Nftables } from '../../netlink/nftables/index.js';
import type { IptFamily, IptTable } from './types.js';
import type { IptablesFlavour } from './run.js';

function legacyTableLoaded(family: IptFamily, table: IptTable): boolean {
  try {
    const names = fs.readFileSync(family === 4 ? '/proc/net/ip_tables_names' : '/proc/net/ip6_tables_names', 'utf8');
    return names.split('\n').includes(table);
  } catch {
    return false; // no x_tables module: no legacy rules
  }
}

function nftBackedChainExists(family: IptFamily, table: IptTable, chain: string): boolean {
  using nft = Nftables.shared();
  const ref = { family: family === 4 ? 'ip' : 'ip6', name: table } as const;
  if (!nft.getTable(ref)) return false;
  return nft.listChains(ref).some((c) => c.name === chain);
}

export function iptablesMayHaveChain(family: IptFamily, table: IptTable, chain: string): boolean {
  if (legacyTableLoaded(family, table)) return true;
  try {
    return nftBackedChainExists(family, table, chain);
  } catch {
    return true;
  }
}

export interface IptablesFiltering {
  flavour: IptablesFlavour;
  reason: string;
}

/** How the host filters forwarded traffic with iptables, or undefined when it does not. */
export function iptablesFiltersForward(): IptablesFiltering | undefined {
  for (const family of [4, 6] as const) {
    try {
      const reason = nftBackedForwardFilter(family);
      if (reason) return { flavour: 'nft', reason };
    } catch {
      // nf_tables unreadable: no iptables-nft rules either
    }
    // Legacy: the filter table is only instantiated in a namespace once something used it.
    if (legacyTableLoaded(family, 'filter')) return { flavour: 'legacy', reason: `iptables-legacy filter table in use (IPv${family})` };
  }
  return undefined;
}

/** iptables-nft's `ip filter` FORWARD base chain with a drop policy or any rule. */
function nftBackedForwardFilter(family: IptFamily): string | undefined {
  using nft = Nftables.shared();
  const ref = { family: family === 4 ? 'ip' : 'ip6', name: 'filter' } as const;
  if (!nft.getTable(ref)) return undefined;
  const forward = nft.listChains(ref).find((c) => c.name === 'FORWARD' && c.hook === 'forward');
  if (!forward) return undefined;
  if (forward.policy === 'drop') return `iptables-nft FORWARD policy DROP (IPv${family})`;
  const rules = nft.listRules(ref, 'FORWARD').length;
  return rules > 0 ? `iptables-nft FORWARD has ${rules} rules (IPv${family})` : undefined;
}
