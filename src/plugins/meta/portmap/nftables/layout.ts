/**
 * The nftables layout of the reference portmap (knftables-based), built as objects for our own
 * nf_tables client. Per family, table `ip cni_hostport` / `ip6 cni_hostport`:
 *
 *   chain hostports          { [ip daddr HOSTIP] tcp dport 8080 dnat to 10.88.0.5:80 comment "<containerID>" }
 *   chain hostip_hostports   { }          (used by older releases for hostIP rules; kept for upgrades)
 *   chain hostports_all      { jump hostip_hostports; jump hostports }
 *   chain prerouting         { type nat hook prerouting priority dstnat; [conditions] fib daddr type local jump hostports_all }
 *   chain output             { type nat hook output priority -100; [conditions] fib daddr type local jump hostports_all }
 *   chain masquerading       { type nat hook postrouting priority srcnat;
 *                              ip saddr 10.88.0.5 ip daddr 10.88.0.5 masquerade comment "<containerID>"     (hairpin)
 *                              ip saddr 127.0.0.1 ip daddr 10.88.0.5 masquerade comment "<containerID>" }   (localhost, v4)
 *
 * With masqAll the hairpin rule matches every source (0.0.0.0/0, ::/0) and replaces the localhost one.
 */
import type { IpFamily } from '../../../../netlink/codec/ip.js';
import {
  dnat,
  dport,
  fibDaddrTypeLocal,
  ipDaddr,
  ipSaddr,
  jump,
  masquerade,
  PRIORITY,
  renderRuleBody,
  type Chain,
  type Expr,
  type Rule,
  type TableRef,
  type Transaction,
} from '../../../../netlink/nftables/index.js';
import type { ForwardTarget } from '../target.js';

export const TABLE_NAME = 'cni_hostport';
export const CHAIN = {
  hostports: 'hostports',
  hostipHostports: 'hostip_hostports',
  all: 'hostports_all',
  prerouting: 'prerouting',
  output: 'output',
  masquerading: 'masquerading',
} as const;

/** Chains that hold per-container rules (commented with the container ID). */
export const CONTAINER_CHAINS: readonly string[] = [CHAIN.hostports, CHAIN.hostipHostports, CHAIN.masquerading];

export function tableRef(family: IpFamily): TableRef {
  return { family: family === 4 ? 'ip' : 'ip6', name: TABLE_NAME };
}

function chain(t: TableRef, name: string, base?: Pick<Chain, 'hook' | 'priority'>): Chain {
  return base ? { table: t, name, type: 'nat', ...base } : { table: t, name };
}

/** The rules the shared chains hold: the intermediate chain and the two hooks' entry rules. */
export function structureRules(family: IpFamily, conditions: readonly Expr[]): Rule[] {
  const t = tableRef(family);
  return [
    { table: t, chain: CHAIN.all, exprs: [jump(CHAIN.hostipHostports)] },
    { table: t, chain: CHAIN.all, exprs: [jump(CHAIN.hostports)] },
    { table: t, chain: CHAIN.prerouting, exprs: [...conditions, ...fibDaddrTypeLocal(), jump(CHAIN.all)] },
    { table: t, chain: CHAIN.output, exprs: [...conditions, ...fibDaddrTypeLocal(), jump(CHAIN.all)] },
  ];
}

/**
 * Queue the shared structure of one family: idempotent (add = create if missing). A shared chain
 * whose rules differ from what this config wants (first ADD, other conditions) is flushed and
 * refilled, as the reference does on every ADD; one that already holds them is left alone,
 * because a batch that removes rules makes the kernel wait for an RCU grace period (~10 ms).
 */
export function queueStructure(tx: Transaction, family: IpFamily, conditions: readonly Expr[], snat: boolean, listed: readonly Rule[], present?: ReadonlySet<string>): void {
  const t = tableRef(family);
  // Only what is missing is sent (`present`: the chains that exist; absent: send everything):
  // re-adding an existing table or base chain leaves the kernel work that makes releasing the
  // socket wait for an RCU grace period.
  const add = (o: Chain) => {
    if (!present?.has(o.name)) tx.add(o);
  };
  if (!present) tx.add({ family: t.family, name: t.name });
  add(chain(t, CHAIN.hostports));
  add(chain(t, CHAIN.hostipHostports));
  const wanted = structureRules(family, conditions);
  // The output hook has no "dstnat" priority name; -100 is its value.
  const chains: Chain[] = [chain(t, CHAIN.all), chain(t, CHAIN.prerouting, { hook: 'prerouting', priority: PRIORITY.dstnat }), chain(t, CHAIN.output, { hook: 'output', priority: PRIORITY.dstnat })];
  for (const c of chains) {
    add(c);
    const want = wanted.filter((r) => r.chain === c.name);
    const have = listed.filter((r) => r.chain === c.name);
    if (sameRules(have, want)) continue;
    tx.flush(c);
    for (const r of want) tx.add(r);
  }
  if (snat) add(chain(t, CHAIN.masquerading, { hook: 'postrouting', priority: PRIORITY.srcnat }));
}

/** Same rules in the same order, compared as nft prints them (comments included). */
export function sameRules(a: readonly Rule[], b: readonly Rule[]): boolean {
  return a.length === b.length && a.every((r, i) => renderRuleBody(r) === renderRuleBody(b[i]!));
}

/** The DNAT rules of one container, in mapping order. */
export function dnatRules(target: ForwardTarget, containerId: string): Rule[] {
  const t = tableRef(target.family);
  return target.mappings.map((m) => ({
    table: t,
    chain: CHAIN.hostports,
    exprs: [...(m.hostIP ? ipDaddr(m.hostIP) : []), ...dport(m.hostPort, m.protocol), ...dnat(target.address.ip, m.containerPort)],
    comment: containerId,
  }));
}

/** The masquerade rules of one container: hairpin (or every source with masqAll) and, for IPv4, localhost. */
export function masqueradeRules(target: ForwardTarget, containerId: string, masqAll: boolean): Rule[] {
  const t = tableRef(target.family);
  const ip = target.address.ip;
  const rule = (src: string): Rule => ({ table: t, chain: CHAIN.masquerading, exprs: [...ipSaddr(src), ...ipDaddr(ip), ...masquerade()], comment: containerId });
  if (masqAll) return [rule(target.family === 4 ? '0.0.0.0/0' : '::/0')];
  return target.family === 4 ? [rule(ip), rule('127.0.0.1')] : [rule(ip)];
}

/** Whether a listed rule is one of this container's. */
export function isContainerRule(r: Rule, containerId: string): boolean {
  return r.comment === containerId && CONTAINER_CHAINS.includes(r.chain);
}
