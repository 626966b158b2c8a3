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
