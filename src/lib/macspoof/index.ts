/**
 * MAC spoof check for a bridge port (bridge "macspoofchk"), with the reference's nftables layout
 * (pkg/link/spoofcheck.go), over netlink:
 *
 *   table bridge nat {
 *     chain PREROUTING {
 *       type filter hook prerouting priority -300; policy accept;
 *       iifname "veth1234" jump cni-br-iface-<id> comment "macspoofchk-<id>"
 *     }
 *     chain cni-br-iface-<id> {
 *       jump cni-br-iface-<id>-mac comment "macspoofchk-<id>"
 *     }
 *     chain cni-br-iface-<id>-mac {
 *       ether saddr 02:00:00:00:12:34 return comment "macspoofchk-<id>"
 *       drop comment "macspoofchk-<id>"
 *     }
 *   }
 *
 * where <id> is "<containerID>-<ifname>": frames entering the bridge from the container's host
 * veth pass only with the container's MAC as source. Acts in the calling thread's netns.
 */
import { NFT_REG, Nftables, drop, iifname, jump, ret, type Chain, type Expr, type Rule, type TableRef } from '../../netlink/nftables/index.js';

export const SPOOFCHK_TABLE: TableRef = { family: 'bridge', name: 'nat' };
const IFACE_CHAIN_PREFIX = 'cni-br-iface-';
const PREROUTING: Chain = { table: SPOOFCHK_TABLE, name: 'PREROUTING', type: 'filter', hook: 'prerouting', priority: -300, policy: 'accept' };

export class MacSpoofError extends Error {
  override readonly name = 'MacSpoofError';
}

/** The reference's refID: container id and interface name. */
export const spoofCheckId = (containerId: string, ifName: string): string => `${containerId}-${ifName}`;
export const ifaceChainName = (id: string): string => `${IFACE_CHAIN_PREFIX}${id}`;
export const macChainName = (id: string): string => `${ifaceChainName(id)}-mac`;
export const ruleComment = (id: string): string => `macspoofchk-${id}`;

function macBytes(mac: string): Buffer {
  const parts = mac.split(/[:-]/);
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) throw new MacSpoofError(`macspoofchk: invalid MAC address ${JSON.stringify(mac)}`);
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

/** ether saddr MAC: the link-layer source address (6 bytes at offset 6). */
function etherSaddr(mac: string): Expr[] {
  return [
    { type: 'payload', base: 'link', offset: 6, len: 6, dreg: NFT_REG.R1 },
    { type: 'cmp', op: 'eq', sreg: NFT_REG.R1, data: macBytes(mac) },
  ];
}

export interface SpoofCheckSpec {
  containerId: string;
  ifName: string;
  /** The host end of the container's veth (the bridge port). */
  hostIface: string;
  /** The only source MAC allowed in from that port. */
  mac: string;
}

/** The rules of one port, in order: PREROUTING jump, iface chain jump, MAC return, drop. */
export function spoofCheckRules(spec: SpoofCheckSpec): Rule[] {
  const id = spoofCheckId(spec.containerId, spec.ifName);
  const comment = ruleComment(id);
  const rule = (chain: string, exprs: Expr[]): Rule => ({ table: SPOOFCHK_TABLE, chain, exprs, comment });
  return [
    rule(PREROUTING.name, [...iifname(spec.hostIface), jump(ifaceChainName(id))]),
    rule(ifaceChainName(id), [jump(macChainName(id))]),
    rule(macChainName(id), [...etherSaddr(spec.mac), ret()]),
    rule(macChainName(id), [drop()]),
  ];
}

/** PREROUTING rules carrying the attachment's comment (none when the table is absent). */
function preroutingRulesOf(nft: Nftables, id: string): Rule[] {
  return nft.listRules(SPOOFCHK_TABLE, PREROUTING.name).filter((r) => r.comment === ruleComment(id));
}

/**
 * Install (or re-install) the check in one transaction: table and chains made if missing, the
 * port's chains flushed and refilled, its old PREROUTING jump replaced.
 */
export function setupSpoofCheck(spec: SpoofCheckSpec): void {
  const id = spoofCheckId(spec.containerId, spec.ifName);
  const rules = spoofCheckRules(spec);
  try {
    using nft = Nftables.shared();
    const stale = preroutingRulesOf(nft, id);
    const ifaceChain: Chain = { table: SPOOFCHK_TABLE, name: ifaceChainName(id) };
    const macChain: Chain = { table: SPOOFCHK_TABLE, name: macChainName(id) };
    const tx = nft.transaction().add(SPOOFCHK_TABLE).add(PREROUTING).add(ifaceChain).add(macChain).flush(ifaceChain).flush(macChain);
    for (const r of stale) tx.delete(r);
    for (const r of rules) tx.add(r);
    tx.run();
  } catch (err) {
    if (err instanceof MacSpoofError) throw err;
    throw new MacSpoofError(`failed to setup spoof-check: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Remove the port's PREROUTING jump and its two chains; whatever is already gone is skipped. */
export function teardownSpoofCheck(containerId: string, ifName: string): void {
  removeIds([spoofCheckId(containerId, ifName)]);
}

function removeIds(ids: readonly string[]): void {
  try {
    using nft = Nftables.shared();
    const chains = new Set(nft.listChains(SPOOFCHK_TABLE).map((c) => c.name));
    const wanted = new Set(ids.map(ruleComment));
    const jumps = nft.listRules(SPOOFCHK_TABLE, PREROUTING.name).filter((r) => r.comment !== undefined && wanted.has(r.comment));
    const tx = nft.transaction();
    for (const r of jumps) tx.delete(r);
    for (const id of ids) {
      // The iface chain jumps to the mac chain: delete it first.
      for (const name of [ifaceChainName(id), macChainName(id)]) {
        if (chains.has(name)) tx.flush({ table: SPOOFCHK_TABLE, name }).delete({ table: SPOOFCHK_TABLE, name });
      }
    }
    if (tx.size > 0) tx.run();
  } catch (err) {
    throw new MacSpoofError(`failed to teardown spoof-check: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** The interface name a PREROUTING rule matches with `iifname "..."`, if any. */
function matchedIifname(rule: Rule): string | undefined {
  const i = rule.exprs.findIndex((e) => e.type === 'meta' && e.key === 'iifname' && 'dreg' in e);
  const cmp = rule.exprs[i + 1];
  if (i < 0 || cmp?.type !== 'cmp') return undefined;
  return cmp.data.toString('utf8').replace(/\0+$/, '');
}

export interface SpoofCheckGc {
  /** The attachments to keep (cni.dev/valid-attachments). */
  valid: readonly { containerID: string; ifname: string }[];
  /**
   * Whether a port's check belongs to this network, by its host interface name: the bridge
   * table is shared by every network, so GC only removes checks whose interface is a port of
   * this network's bridge or no longer exists.
   */
  owns: (hostIface: string) => boolean;
}

/** Remove the checks of attachments that are not valid (see SpoofCheckGc.owns). */
export function gcSpoofChecks(gc: SpoofCheckGc): void {
  const keep = new Set(gc.valid.map((v) => ruleComment(spoofCheckId(v.containerID, v.ifname))));
  let stale: string[];
  try {
    using nft = Nftables.shared();
    stale = nft
      .listRules(SPOOFCHK_TABLE, PREROUTING.name)
      .filter((r) => r.comment?.startsWith('macspoofchk-') && !keep.has(r.comment))
      .filter((r) => {
        const iface = matchedIifname(r);
        return iface !== undefined && gc.owns(iface);
      })
      .map((r) => r.comment!.slice('macspoofchk-'.length));
  } catch (err) {
    throw new MacSpoofError(`failed to list spoof-check rules: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (stale.length > 0) removeIds([...new Set(stale)]);
}
