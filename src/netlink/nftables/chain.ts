/** nf_tables chains: regular chains, and base chains bound to a netfilter hook. */
import { AttrWriter, type Attrs } from '../codec/attr.js';
import { NetlinkDecodeError } from '../errors.js';
import { NF_ARP_HOOKS, NF_INET_HOOKS, NF_NETDEV_HOOKS, NF_POLICY, NFTA_CHAIN, NFTA_HOOK } from './consts.js';
import { familyName, type Family, type TableRef } from './family.js';
import { be32, be32signed, be64, requireString } from './message.js';
import { decodeComment, encodeComment } from './userdata.js';

export type ChainType = 'filter' | 'nat' | 'route';
export type Hook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting' | 'ingress' | 'egress';
export type Policy = 'accept' | 'drop';

export interface Chain {
  table: TableRef;
  name: string;
  /** Base chains only (set together with hook). Default 'filter'. */
  type?: ChainType;
  hook?: Hook;
  /** Default: the standard priority for type and hook (see PRIORITY). */
  priority?: number;
  policy?: Policy;
  /** netdev ingress/egress (and inet ingress): the interface. */
  device?: string;
  /** Stored as NFTA_CHAIN_USERDATA (like a rule comment), shown by `nft list` as `comment "..."`. */
  comment?: string;
  handle?: number;
}

/** nft's standard priority names for ip/ip6/inet (bridge uses other values, see render.ts). */
export const PRIORITY = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 } as const;

function hookTable(family: Family): Partial<Record<Hook, number>> {
  if (family === 'netdev') return NF_NETDEV_HOOKS;
  if (family === 'arp') return NF_ARP_HOOKS;
  return NF_INET_HOOKS;
}

export function hookNumber(family: Family, hook: Hook): number {
  const n = hookTable(family)[hook];
  if (n === undefined) throw new TypeError(`hook "${hook}" does not exist in family ${family}`);
  return n;
}

export function hookName(family: Family, num: number): Hook {
  const e = Object.entries(hookTable(family)).find(([, n]) => n === num);
  if (!e) throw new NetlinkDecodeError(`unknown hook ${num} in family ${family}`);
  return e[0] as Hook;
}

/** The priority nft would pick for a base chain given only its type and hook. */
export function defaultPriority(c: Pick<Chain, 'type' | 'hook'>): number {
  if (c.type === 'nat') return c.hook === 'postrouting' || c.hook === 'input' ? PRIORITY.srcnat : PRIORITY.dstnat;
  if (c.type === 'route') return PRIORITY.mangle;
  return PRIORITY.filter;
}

/** NFT_MSG_NEWCHAIN attributes, in nft's order: table, name, [type, policy, hook], userdata. */
export function chainAttrs(c: Chain): Buffer {
  const w = new AttrWriter().string(NFTA_CHAIN.TABLE, c.table.name).string(NFTA_CHAIN.NAME, c.name);
  if (c.hook === undefined) {
    if (c.type !== undefined || c.priority !== undefined || c.policy !== undefined || c.device !== undefined) {
      throw new TypeError(`chain ${c.name}: type, priority, policy and device need a hook`);
    }
  } else {
    const hook = c.hook;
    w.string(NFTA_CHAIN.TYPE, c.type ?? 'filter');
    if (c.policy !== undefined) w.u32be(NFTA_CHAIN.POLICY, NF_POLICY[c.policy]);
    w.nested(NFTA_CHAIN.HOOK, (h) => {
      h.u32be(NFTA_HOOK.HOOKNUM, hookNumber(c.table.family, hook));
      h.u32be(NFTA_HOOK.PRIORITY, c.priority ?? defaultPriority(c));
      if (c.device !== undefined) h.string(NFTA_HOOK.DEV, c.device);
    });
  }
  if (c.comment !== undefined) w.bytes(NFTA_CHAIN.USERDATA, encodeComment(c.comment));
  return w.toBuffer();
}

/** NFT_MSG_DELCHAIN attributes (and the rule-flush key): table and name. */
export function chainKeyAttrs(c: { table: TableRef; name: string }): Buffer {
  return new AttrWriter().string(NFTA_CHAIN.TABLE, c.table.name).string(NFTA_CHAIN.NAME, c.name).toBuffer();
}

export function decodeChain(family: number, a: Attrs): Chain {
  const fam = familyName(family);
  const name = requireString(a, NFTA_CHAIN.NAME, 'chain');
  if (!fam) throw new NetlinkDecodeError(`chain ${name}: unknown family ${family}`);
  const c: Chain = { table: { family: fam, name: requireString(a, NFTA_CHAIN.TABLE, 'chain') }, name };
  const hook = a.nested(NFTA_CHAIN.HOOK);
  if (hook) {
    const type = a.string(NFTA_CHAIN.TYPE);
    if (type) c.type = type as ChainType;
    const num = be32(hook, NFTA_HOOK.HOOKNUM);
    if (num !== undefined) c.hook = hookName(fam, num);
    const prio = be32signed(hook, NFTA_HOOK.PRIORITY);
    if (prio !== undefined) c.priority = prio;
    const policy = be32(a, NFTA_CHAIN.POLICY);
    if (policy !== undefined) c.policy = policy === NF_POLICY.drop ? 'drop' : 'accept';
    const dev = hook.string(NFTA_HOOK.DEV);
    if (dev !== undefined) c.device = dev;
  }
  const udata = a.get(NFTA_CHAIN.USERDATA);
  const comment = udata && decodeComment(udata);
  if (comment !== undefined) c.comment = comment;
  const handle = be64(a, NFTA_CHAIN.HANDLE);
  if (handle !== undefined) c.handle = handle;
  return c;
}
