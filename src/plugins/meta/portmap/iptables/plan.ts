/**
 * Turn "what iptables-save shows now" plus "what this attachment needs" into the lines of one
 * iptables-restore --noflush batch (pure, unit-tested).
 *
 * Chains are created with -N, never declared with ":CHAIN": with --noflush a declaration flushes
 * an existing chain, which would wipe the other containers' rules from the shared chains. An -N of
 * a chain someone created since the save fails the whole batch, and the caller retries from a
 * fresh save. Shared rules are added only when missing; the per-container chain is flushed and
 * refilled, and its entry rules replaced, so a repeated ADD converges instead of piling up rules.
 */
import { deleteLineFor } from '../../../../lib/iptables/index.js';
import type { PortmapSettings } from '../config.js';
import type { ForwardTarget, Owner } from '../target.js';
import {
  DNAT_ENTRY_CHAINS,
  dnatChainRules,
  entryRules,
  jumpTarget,
  markDef,
  MASQ_CHAIN,
  MASQ_ENTRY,
  masqRule,
  SETMARK_CHAIN,
  setMarkRule,
  TOP_DNAT_CHAIN,
  TOP_DNAT_ENTRY,
} from './rules.js';

export type SavedChains = ReadonlyMap<string, readonly string[]>;

const rulesOf = (saved: SavedChains, chain: string): readonly string[] => saved.get(chain) ?? [];
const jumpsTo = (saved: SavedChains, chain: string, target: string): string[] => rulesOf(saved, chain).filter((r) => jumpTarget(r) === target);

export function planForward(saved: SavedChains, owner: Owner, settings: PortmapSettings, target: ForwardTarget, dnChain: string): string[] {
  const lines: string[] = [];
  const ensureChain = (name: string): void => {
    if (!saved.has(name)) lines.push(`-N ${name}`);
  };

  if (settings.snat && settings.externalSetMarkChain === undefined) {
    const mark = markDef(settings.markMasqBit);
    ensureChain(SETMARK_CHAIN);
    if (!rulesOf(saved, SETMARK_CHAIN).some((r) => r.includes(`--set-xmark ${mark}`))) lines.push(`-A ${SETMARK_CHAIN} ${setMarkRule(settings.markMasqBit)}`);
    ensureChain(MASQ_CHAIN);
    if (!rulesOf(saved, MASQ_CHAIN).some((r) => r.includes(`--mark ${mark} -j MASQUERADE`))) lines.push(`-A ${MASQ_CHAIN} ${masqRule(settings.markMasqBit)}`);
    // First in POSTROUTING, ahead of the masquerade rules of bridge and ptp.
    if (jumpsTo(saved, 'POSTROUTING', MASQ_CHAIN).length === 0) lines.push(`-I POSTROUTING 1 ${MASQ_ENTRY}`);
  }

  ensureChain(TOP_DNAT_CHAIN);
  for (const chain of DNAT_ENTRY_CHAINS) {
    if (jumpsTo(saved, chain, TOP_DNAT_CHAIN).length === 0) lines.push(`-A ${chain} ${TOP_DNAT_ENTRY}`);
  }

  lines.push(saved.has(dnChain) ? `-F ${dnChain}` : `-N ${dnChain}`);
  for (const rule of dnatChainRules(settings, target)) lines.push(`-A ${dnChain} ${rule}`);

  for (const old of jumpsTo(saved, TOP_DNAT_CHAIN, dnChain)) lines.push(deleteLineFor(old));
  // The newest container wins a contested host port: its entry rules go first, in their order.
  for (const rule of entryRules(owner, settings, target).reverse()) lines.push(`-I ${TOP_DNAT_CHAIN} 1 ${rule} -j ${dnChain}`);
  return lines;
}

/** What CHECK expects to find for one attachment; the first problem, or undefined when all is there. */
export function findMissing(saved: SavedChains, owner: Owner, settings: PortmapSettings, target: ForwardTarget, dnChain: string, normalize: (r: string) => string): string | undefined {
  if (!saved.has(dnChain)) return `chain ${dnChain} not found in iptables table nat`;
  const have = new Set(rulesOf(saved, dnChain).map((r) => normalize(r.replace(/^-A \S+ /, ''))));
  for (const rule of dnatChainRules(settings, target)) {
    if (!have.has(normalize(rule))) return `rule "${rule}" in chain ${dnChain} not found in table nat`;
  }
  const entries = jumpsTo(saved, TOP_DNAT_CHAIN, dnChain);
  for (const rule of entryRules(owner, settings, target)) {
    const [, proto, ports] = /^-p (\S+) .*--dports (\S+)/.exec(rule)!;
    if (!entries.some((e) => e.includes(`-p ${proto} `) && e.includes(`--dports ${ports}`))) {
      return `rule for ${proto} ports ${ports} in chain ${TOP_DNAT_CHAIN} not found in table nat`;
    }
  }
  for (const chain of DNAT_ENTRY_CHAINS) {
    if (jumpsTo(saved, chain, TOP_DNAT_CHAIN).length === 0) return `rule "${TOP_DNAT_ENTRY}" in chain ${chain} not found in table nat`;
  }
  return undefined;
}

/** Per-container DNAT chains of `network` whose container is not kept (read from the entry comments). */
export function staleChains(saved: SavedChains, network: string, keep: ReadonlySet<string>, parse: (rule: string) => Owner | undefined): string[] {
  const stale = new Set<string>();
  for (const rule of rulesOf(saved, TOP_DNAT_CHAIN)) {
    const owner = parse(rule);
    const target = jumpTarget(rule);
    if (owner && target && owner.network === network && !keep.has(owner.containerId)) stale.add(target);
  }
  return [...stale];
}
