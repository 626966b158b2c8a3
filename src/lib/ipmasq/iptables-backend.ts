/**
 * ipMasq with iptables, laid out as the reference: in table nat, a chain CNI-<hash of network and
 * container id> holding `-d <subnet> -j ACCEPT` per address and one `! -d <multicast> -j
 * MASQUERADE`, jumped to from POSTROUTING by `-s <ip> -j CNI-...`; every rule commented
 * `name: "<net>" id: "<cid>"`. The container's interface name is not part of it (as in the
 * reference). One iptables-save and at most one iptables-restore per family and operation.
 */
import {
  IptablesError,
  iptablesAvailable,
  iptablesRestore,
  iptablesSave,
  quoteComment,
  removeRulesMatching,
  type IptFamily,
  type SavedTable,
} from '../iptables/index.js';
import { byFamily, parseAddresses, type MasqAddress } from './addresses.js';
import { IpMasqCheckError, IpMasqError } from './errors.js';
import { iptablesChainName, iptablesComment, parseIptablesComment } from './names.js';
import type { IpMasqAttachment, IpMasqRequest, ValidAttachment } from './types.js';
import { iptablesMayHaveChain } from '../iptables/presence.js';

const FAMILIES: readonly IptFamily[] = [4, 6];
const MULTICAST: Record<IptFamily, string> = { 4: '224.0.0.0/4', 6: 'ff00::/8' };
const HOST_BITS: Record<IptFamily, number> = { 4: 32, 6: 128 };

/** The attachment's rules, exactly as iptables-save prints them (so they can be compared). */
interface FamilyRules {
  chain: string;
  accepts: string[];
  masquerade: string;
  jumps: string[];
}

function rulesFor(a: IpMasqAttachment, family: IptFamily, addrs: readonly MasqAddress[]): FamilyRules {
  const chain = iptablesChainName(a.network, a.containerId);
  const c = `-m comment --comment ${quoteComment(iptablesComment(a.network, a.containerId))}`;
  return {
    chain,
    accepts: [...new Set(addrs.map((x) => `-A ${chain} -d ${x.subnet} ${c} -j ACCEPT`))],
    masquerade: `-A ${chain} ! -d ${MULTICAST[family]} ${c} -j MASQUERADE`,
    jumps: [...new Set(addrs.map((x) => `-A POSTROUTING -s ${x.ip}/${HOST_BITS[family]} ${c} -j ${chain}`))],
  };
}

/**
 * The restore lines that add what is missing: ACCEPTs go first in the chain (inserted at 1),
 * MASQUERADE last, so traffic inside every subnet of the attachment is left alone.
 */
export function setupLines(r: FamilyRules, saved: SavedTable): string[] {
  const inChain = new Set(saved.chains.get(r.chain) ?? []);
  const inPost = new Set(saved.chains.get('POSTROUTING') ?? []);
  const lines: string[] = [];
  for (const acc of r.accepts) if (!inChain.has(acc)) lines.push(`-I ${r.chain} 1 ${acc.slice(`-A ${r.chain} `.length)}`);
  if (!inChain.has(r.masquerade)) lines.push(r.masquerade);
  for (const j of r.jumps) if (!inPost.has(j)) lines.push(j);
  return lines;
}

export function setupIptables(req: IpMasqRequest): void {
  for (const [family, addrs] of byFamily(parseAddresses(req.ips))) {
    if (!iptablesAvailable(family)) throw new IpMasqError(`ipMasq: ${family === 6 ? 'ip6tables' : 'iptables'} is not available`);
    const saved = iptablesSave(family, 'nat');
    const r = rulesFor(req, family, addrs);
    const lines = setupLines(r, saved);
    if (lines.length > 0) iptablesRestore(family, { table: 'nat', chains: [r.chain], lines }, { known: saved });
  }
}

/** Whether a failure only means this family's iptables cannot be used here (nothing to remove then). */
function unusable(err: unknown, family: IptFamily): boolean {
  return err instanceof IptablesError && !iptablesAvailable(family);
}

/** Remove the attachment's chain and every jump to it, in both families; absent is fine. */
export function teardownIptables(a: IpMasqAttachment): void {
  const chain = iptablesChainName(a.network, a.containerId);
  // The POSTROUTING jump cannot exist without its chain: no chain, nothing to remove.
  for (const family of FAMILIES) if (iptablesMayHaveChain(family, 'nat', chain)) removeChains(family, [chain]);
}

function removeChains(family: IptFamily, chains: string[]): void {
  try {
    removeRulesMatching(family, 'nat', () => false, { deleteChains: chains });
  } catch (err) {
    if (!unusable(err, family)) throw err;
  }
}

export function checkIptables(req: IpMasqRequest): void {
  for (const [family, addrs] of byFamily(parseAddresses(req.ips))) {
    const saved = iptablesSave(family, 'nat');
    const r = rulesFor(req, family, addrs);
    const chain = saved.chains.get(r.chain);
    if (!chain) throw new IpMasqCheckError(`ipMasq: chain ${r.chain} is missing from the ${family === 6 ? 'ip6tables' : 'iptables'} nat table`);
    const post = saved.chains.get('POSTROUTING') ?? [];
    const missing = [...[...r.accepts, r.masquerade].filter((x) => !chain.includes(x)), ...r.jumps.filter((x) => !post.includes(x))];
    if (missing.length) throw new IpMasqCheckError(`ipMasq: missing iptables rule(s): ${missing.join('; ')}`);
  }
}

/** The comment of a saved rule line, unquoted as iptables-save quotes it. */
export function savedComment(rule: string): string | undefined {
  const m = / --comment ("(?:[^"\\]|\\.)*"|\S+)/.exec(rule);
  if (!m) return undefined;
  const raw = m[1]!;
  return raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
}

/**
 * The reference cannot GC its iptables rules; here each CNI-<hash> chain is mapped back to its
 * attachment through the comment on its rules (and the name is recomputed to be sure it is an
 * ipMasq chain, not another plugin's). A chain of this network whose container id has no valid
 * attachment (on any interface: the chain is per container) is removed with its jumps.
 */
export function staleIptablesChains(saved: SavedTable, network: string, valid: readonly ValidAttachment[]): string[] {
  const validIds = new Set(valid.map((v) => v.containerID));
  const stale: string[] = [];
  for (const [chain, rules] of saved.chains) {
    if (!chain.startsWith('CNI-') || chain.length !== 28) continue;
    for (const rule of rules) {
      const owner = parseIptablesComment(savedComment(rule) ?? '');
      if (!owner || owner.network !== network || iptablesChainName(owner.network, owner.containerId) !== chain) continue;
      if (!validIds.has(owner.containerId)) stale.push(chain);
      break;
    }
  }
  return stale;
}

export function gcIptables(network: string, valid: readonly ValidAttachment[]): void {
  for (const family of FAMILIES) {
    let saved: SavedTable;
    try {
      saved = iptablesSave(family, 'nat');
    } catch (err) {
      if (unusable(err, family)) continue;
      throw err;
    }
    const stale = staleIptablesChains(saved, network, valid);
    if (stale.length > 0) removeChains(family, stale);
  }
}
