/**
 * The nftables backend's ruleset, built as typed objects (no I/O):
 *
 *   table inet cni_plugins_firewall {
 *     chain forward {
 *       type filter hook forward priority filter; policy accept;
 *       jump admin comment "CNI firewall plugin admin overrides"
 *       jump isolation-stage-1 comment "CNI firewall plugin ingress isolation"
 *       ip daddr 10.22.0.5 ct state established,related accept comment "cni-firewall NET ID IF"
 *       ip saddr 10.22.0.5 accept comment "cni-firewall NET ID IF"
 *     }
 *     chain admin { }                        # the administrator's: never written by the plugin
 *     chain isolation-stage-1 {              # same-bridge / isolated attachments
 *       iifname "BR" oifname != "BR" jump isolation-stage-2 comment "cni-firewall ..."
 *       iifname "BR" oifname "BR" drop comment "cni-firewall ..."     # isolated only
 *     }
 *     chain isolation-stage-2 {
 *       oifname "BR" drop comment "cni-firewall ..."
 *     }
 *   }
 *
 * The forward chain is created without a policy, so it starts as accept and a policy the
 * administrator sets later (drop, to let only attachments through) is kept by every ADD.
 */
import * as nf from '../../../netlink/nftables/index.js';
import type { Chain, Rule, Table } from '../../../netlink/nftables/index.js';
import type { AttachmentRules, HostAddress } from './attachment.js';
import { ownerComment } from './owner.js';

export const FIREWALL_TABLE: Table = { family: 'inet', name: 'cni_plugins_firewall' };

export const NFT_CHAIN = {
  forward: 'forward',
  admin: 'admin',
  stage1: 'isolation-stage-1',
  stage2: 'isolation-stage-2',
} as const;

export const ADMIN_JUMP_COMMENT = 'CNI firewall plugin admin overrides';
export const ISOLATION_JUMP_COMMENT = 'CNI firewall plugin ingress isolation';

const table = FIREWALL_TABLE;

/** The base chain; no policy attribute, so an existing chain's policy stays as it is. */
export const forwardChain = (): Chain => ({ table, name: NFT_CHAIN.forward, type: 'filter', hook: 'forward', priority: nf.PRIORITY.filter });

/** Every chain of the table, base chain first. */
export const allChains = (): Chain[] => [forwardChain(), ...[NFT_CHAIN.admin, NFT_CHAIN.stage1, NFT_CHAIN.stage2].map((name): Chain => ({ table, name }))];

export const adminJump = (): Rule => ({ table, chain: NFT_CHAIN.forward, exprs: [nf.jump(NFT_CHAIN.admin)], comment: ADMIN_JUMP_COMMENT });
export const isolationJump = (): Rule => ({ table, chain: NFT_CHAIN.forward, exprs: [nf.jump(NFT_CHAIN.stage1)], comment: ISOLATION_JUMP_COMMENT });

function addressRules(a: HostAddress, comment: string): Rule[] {
  const rule = (exprs: nf.Expr[]): Rule => ({ table, chain: NFT_CHAIN.forward, exprs, comment });
  return [
    rule([...nf.ipDaddr(a.address, { nfproto: true }), ...nf.ctState('established', 'related'), nf.accept()]),
    rule([...nf.ipSaddr(a.address, { nfproto: true }), nf.accept()]),
  ];
}

function isolationRules(bridge: string, isolated: boolean, comment: string): Rule[] {
  const rule = (chain: string, exprs: nf.Expr[]): Rule => ({ table, chain, exprs, comment });
  const out = [rule(NFT_CHAIN.stage1, [...nf.iifname(bridge), ...nf.oifname(bridge, { neq: true }), nf.jump(NFT_CHAIN.stage2)])];
  if (isolated) out.push(rule(NFT_CHAIN.stage1, [...nf.iifname(bridge), ...nf.oifname(bridge), nf.drop()]));
  out.push(rule(NFT_CHAIN.stage2, [...nf.oifname(bridge), nf.drop()]));
  return out;
}

/** The attachment's own rules, each commented with its owner, in the order they are appended. */
export function ownerRules(a: AttachmentRules): Rule[] {
  const comment = ownerComment(a.owner);
  const out: Rule[] = [];
  if (a.ingressPolicy !== 'open' && a.bridge) out.push(...isolationRules(a.bridge, a.ingressPolicy === 'isolated', comment));
  for (const addr of a.addresses) out.push(...addressRules(addr, comment));
  return out;
}

/** A rule's identity for CHECK: its chain and its text as nft prints it (comment included). */
export const ruleKey = (r: Rule): string => `${r.chain}\t${nf.renderRuleBody(r)}`;
