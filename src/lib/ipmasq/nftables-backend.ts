/**
 * ipMasq with nf_tables (over netlink, no `nft` process), laid out as the reference:
 *
 *   table inet cni_plugins_masquerade {
 *     comment "Masquerading for plugins from github.com/containernetworking/plugins"
 *     chain masq_checks {
 *       comment "Masquerade traffic from certain IPs to any (non-multicast) IP outside their subnet"
 *       ip saddr 10.1.0.5 ip daddr != 10.1.0.0/24 masquerade comment "<hash>, net: n, if: eth0, id: c"
 *     }
 *     chain postrouting {
 *       type nat hook postrouting priority srcnat; policy accept;
 *       ip daddr 224.0.0.0/4 return
 *       ip6 daddr ff00::/8 return
 *       goto masq_checks
 *     }
 *   }
 *
 * One rule per address, found again by its comment's hash prefix (network, then interface and
 * container), so a DEL never removes another attachment's rule for a reused address. The table
 * and chain comments are the reference's; like `nft add`, adding an existing table or chain does
 * not change its comment.
 */
import { Nftables, PRIORITY, goTo, ipDaddr, ipSaddr, masquerade, nfproto, renderRuleBody, ret, type Chain, type Rule, type Table, type TableRef } from '../../netlink/nftables/index.js';
import { parseAddresses, type MasqAddress } from './addresses.js';
import { NetlinkError } from '../../netlink/errors.js';
import { IpMasqCheckError } from './errors.js';
import { nftComment, nftInstanceHash, nftNetworkHash } from './names.js';
import type { IpMasqAttachment, IpMasqRequest, ValidAttachment } from './types.js';

export const MASQ_TABLE: TableRef = { family: 'inet', name: 'cni_plugins_masquerade' };
export const MASQ_CHECKS = 'masq_checks';
/** The reference's comments (pkg/ip/ipmasq_nftables_linux.go). */
export const MASQ_TABLE_COMMENT = 'Masquerading for plugins from github.com/containernetworking/plugins';
export const MASQ_CHECKS_COMMENT = 'Masquerade traffic from certain IPs to any (non-multicast) IP outside their subnet';
const TABLE: Table = { ...MASQ_TABLE, comment: MASQ_TABLE_COMMENT };
const CHECKS: Chain = { table: MASQ_TABLE, name: MASQ_CHECKS, comment: MASQ_CHECKS_COMMENT };
const POSTROUTING: Chain = { table: MASQ_TABLE, name: 'postrouting', type: 'nat', hook: 'postrouting', priority: PRIORITY.srcnat };

/** The rules of masq_checks whose comment starts with `prefix` (none when the table is absent). */
function findRules(nft: Nftables, prefix: string): Rule[] {
  return nft.listRules(MASQ_TABLE, MASQ_CHECKS).filter((r) => r.comment?.startsWith(prefix));
}

/** The masq_checks rule of one address: `ip saddr IP ip daddr != SUBNET masquerade`. */
export function masqRule(a: MasqAddress, comment: string): Rule {
  const proto = a.family === 4 ? 'ipv4' : 'ipv6';
  return {
    table: MASQ_TABLE,
    chain: MASQ_CHECKS,
    exprs: [...nfproto(proto), ...ipSaddr(a.ip), ...ipDaddr(a.subnet, { neq: true }), ...masquerade()],
    comment,
  };
}

/** postrouting's fixed rules: multicast is never masqueraded, everything else goes to masq_checks. */
export function postroutingRules(): Rule[] {
  const rule = (exprs: Rule['exprs']): Rule => ({ table: MASQ_TABLE, chain: POSTROUTING.name, exprs });
  return [rule([...nfproto('ipv4'), ...ipDaddr('224.0.0.0/4'), ret()]), rule([...nfproto('ipv6'), ...ipDaddr('ff00::/8'), ret()]), rule([goTo(MASQ_CHECKS)])];
}

/** What of the shared layout is already in place. */
interface LayoutState {
  table: boolean;
  chains: Set<string>;
  /** postrouting holds exactly its three rules, in order. */
  postrouting: boolean;
}

function layoutState(nft: Nftables): LayoutState {
  if (!nft.getTable(MASQ_TABLE)) return { table: false, chains: new Set(), postrouting: false };
  const chains = new Set(nft.listChains(MASQ_TABLE).map((c) => c.name));
  const have = chains.has(POSTROUTING.name) ? nft.listRules(MASQ_TABLE, POSTROUTING.name).map(renderRuleBody) : [];
  const want = postroutingRules().map(renderRuleBody);
  return { table: true, chains, postrouting: have.length === want.length && have.every((r, i) => r === want[i]) };
}

/**
 * One transaction: table and chains made if missing, postrouting rewritten (flush + its three
 * rules) if it is not exactly right, this attachment's old rules replaced by one per address.
 * Only what is missing is sent: re-adding an existing table or base chain, like flushing, leaves
 * the kernel work that makes releasing the socket wait for an RCU grace period (~15 ms a start).
 * Should the layout vanish between the look and the transaction, the full form is sent again.
 */
export function setupNftables(req: IpMasqRequest): void {
  const addrs = parseAddresses(req.ips);
  using nft = Nftables.shared();
  const stale = findRules(nft, nftInstanceHash(req));
  const comment = nftComment(req);
  const send = (s: LayoutState) => {
    const tx = nft.transaction();
    if (!s.table) tx.add(TABLE);
    if (!s.chains.has(MASQ_CHECKS)) tx.add(CHECKS);
    if (!s.chains.has(POSTROUTING.name)) tx.add(POSTROUTING);
    if (!s.postrouting) {
      tx.flush(POSTROUTING);
      for (const r of postroutingRules()) tx.add(r);
    }
    for (const r of stale) tx.delete(r);
    for (const a of addrs) tx.add(masqRule(a, comment));
    tx.run();
  };
  const state = layoutState(nft);
  try {
    send(state);
  } catch (err) {
    if (!state.table) throw err;
    send({ table: false, chains: new Set(), postrouting: false });
  }
}

/** Delete the attachment's rules (the table and chains stay, as in the reference). */
export function teardownNftables(a: IpMasqAttachment): void {
  using nft = Nftables.shared();
  const rules = findRules(nft, nftInstanceHash(a));
  if (rules.length === 0) return;
  const tx = nft.transaction();
  for (const r of rules) tx.delete(r);
  tx.run();
}

export function checkNftables(req: IpMasqRequest): void {
  const addrs = parseAddresses(req.ips);
  using nft = Nftables.shared();
  const chains = nft.listChains(MASQ_TABLE).map((c) => c.name);
  if (!chains.includes(POSTROUTING.name) || !chains.includes(MASQ_CHECKS)) {
    throw new IpMasqCheckError(`ipMasq: table inet ${MASQ_TABLE.name} or its chains are missing`);
  }
  const have = new Set(findRules(nft, nftInstanceHash(req)).map(renderRuleBody));
  const comment = nftComment(req);
  const missing = addrs.map((a) => renderRuleBody(masqRule(a, comment))).filter((text) => !have.has(text));
  if (missing.length) throw new IpMasqCheckError(`ipMasq: missing nftables rule(s) in ${MASQ_CHECKS}: ${missing.join('; ')}`);
}

/** Delete the network's rules whose attachment (container id and interface) is not valid. */
export function gcNftables(network: string, valid: readonly ValidAttachment[]): void {
  using nft = Nftables.shared();
  const rules = findRules(nft, `${nftNetworkHash(network)}-`);
  const keep = new Set(valid.map((v) => nftComment({ network, ifName: v.ifname, containerId: v.containerID })));
  const stale = rules.filter((r) => !keep.has(r.comment ?? ''));
  if (stale.length === 0) return;
  const tx = nft.transaction();
  for (const r of stale) tx.delete(r);
  tx.run();
}

/** Whether nf_tables can be used here (the kernel answers a table listing). */
export function nftablesUsable(): boolean {
  try {
    using nft = Nftables.shared();
    nft.listTables('inet');
    return true;
  } catch {
    return false;
  }
}

/**
 * Delete the shared table once no attachment has a rule in it (`cni run` cleans up after the last
 * DEL of its default network; plugins keep the table, as the reference does). Safe against a
 * concurrent ADD: the deletion carries the generation in which masq_checks was seen empty, so the
 * kernel refuses it (ERESTART) if anything changed since, and the table stays. True if deleted.
 */
export function removeMasqTableIfUnused(): boolean {
  using nft = Nftables.shared();
  const genId = nft.genId();
  if (!nft.getTable(MASQ_TABLE) || nft.listRules(MASQ_TABLE, MASQ_CHECKS).length > 0) return false;
  try {
    nft.transaction().delete(TABLE).run({ genId });
    return true;
  } catch (err) {
    if (err instanceof NetlinkError && err.code === 'ERESTART') return false;
    throw err;
  }
}
