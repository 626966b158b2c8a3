/**
 * The reference portmap's iptables layout (nat table), as rule specs in the form iptables-save
 * prints them, so that what we write can be compared with what we read back:
 *
 *   PREROUTING, OUTPUT:   -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
 *   CNI-HOSTPORT-DNAT:    -p tcp -m comment --comment "dnat name: \"net\" id: \"cid\"" -m multiport --dports 8080,8081 -j CNI-DN-xxx
 *                         (one per protocol and group of at most 15 ports; newest container first)
 *   CNI-DN-xxx:           -s 10.88.0.0/16 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK   (hairpin)
 *                         -s 127.0.0.1/32 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK   (localhost, IPv4)
 *                         -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.88.0.5:80
 *   CNI-HOSTPORT-SETMARK: -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000
 *   CNI-HOSTPORT-MASQ:    -m mark --mark 0x2000/0x2000 -j MASQUERADE   (jumped to first thing in POSTROUTING)
 */
import { quoteComment } from '../../../../lib/iptables/index.js';
import type { PortmapSettings } from '../config.js';
import type { ForwardTarget, Owner } from '../target.js';

export const TOP_DNAT_CHAIN = 'CNI-HOSTPORT-DNAT';
export const SETMARK_CHAIN = 'CNI-HOSTPORT-SETMARK';
export const MASQ_CHAIN = 'CNI-HOSTPORT-MASQ';
export const DNAT_ENTRY_CHAINS = ['PREROUTING', 'OUTPUT'] as const;

export const TOP_DNAT_ENTRY = `-m addrtype --dst-type LOCAL -j ${TOP_DNAT_CHAIN}`;
export const MASQ_ENTRY = `-m comment --comment ${quoteComment('CNI portfwd requiring masquerade')} -j ${MASQ_CHAIN}`;

/** Multiport takes at most 15 ports per rule. */
const MULTIPORT_MAX = 15;
/** The comment match keeps at most 255 characters. */
const COMMENT_MAX = 255;

/** "0x2000/0x2000" for bit 13, as Go's %#x prints it and iptables-save shows it. */
export function markDef(bit: number): string {
  const v = `0x${((1 << bit) >>> 0).toString(16)}`;
  return `${v}/${v}`;
}

export const setMarkRule = (bit: number): string => `-m comment --comment ${quoteComment('CNI portfwd masquerade mark')} -j MARK --set-xmark ${markDef(bit)}`;
export const masqRule = (bit: number): string => `-m mark --mark ${markDef(bit)} -j MASQUERADE`;

/** The comment on the entry rules: it names the attachment, which is what GC reads back. */
export function dnatComment(owner: Owner): string {
  const text = `dnat name: "${owner.network}" id: "${owner.containerId}"`;
  return text.length <= COMMENT_MAX ? text : `${text.slice(0, COMMENT_MAX - 3)}...`;
}

/** Parse the attachment back out of an entry rule's comment (undefined for other rules). */
export function parseDnatComment(rule: string): Owner | undefined {
  const m = /--comment "dnat name: \\"(.*?)\\" id: \\"(.*?)\\""/.exec(rule);
  return m ? { network: m[1]!.replace(/\\\\/g, '\\'), containerId: m[2]!.replace(/\\\\/g, '\\') } : undefined;
}

/** The chain a rule jumps or goes to, if any. */
export function jumpTarget(rule: string): string | undefined {
  return /(?:^| )-[jg] (\S+)/.exec(rule)?.[1];
}

function hostSuffix(family: 4 | 6): string {
  return family === 4 ? '/32' : '/128';
}

/** An iptables argument as restore text: quoted when it has blanks or quotes. */
function restoreWord(w: string): string {
  return /[\s"']/.test(w) ? quoteComment(w) : w;
}

/** Entry rules for CNI-HOSTPORT-DNAT (without the jump), by protocol then groups of ports. */
export function entryRules(owner: Owner, settings: PortmapSettings, target: ForwardTarget): string[] {
  const conditions = (target.family === 4 ? settings.conditionsV4 : settings.conditionsV6).filter((c) => c !== '').map(restoreWord);
  const byProto = new Map<string, number[]>();
  for (const m of target.mappings) {
    const ports = byProto.get(m.protocol) ?? [];
    if (!ports.includes(m.hostPort)) ports.push(m.hostPort);
    byProto.set(m.protocol, ports);
  }
  const comment = quoteComment(dnatComment(owner));
  const out: string[] = [];
  for (const proto of [...byProto.keys()].sort()) {
    const ports = byProto.get(proto)!;
    for (let i = 0; i < ports.length; i += MULTIPORT_MAX) {
      const list = ports.slice(i, i + MULTIPORT_MAX).join(',');
      out.push([`-p ${proto} -m comment --comment ${comment} -m multiport --dports ${list}`, ...conditions].join(' '));
    }
  }
  return out;
}

/** The rules of the per-container chain: per mapping the mark rules (first) and the DNAT. */
export function dnatChainRules(settings: PortmapSettings, target: ForwardTarget): string[] {
  const setMark = settings.externalSetMarkChain ?? SETMARK_CHAIN;
  const { family, address } = target;
  const out: string[] = [];
  for (const m of target.mappings) {
    const dst = m.hostIP ? `-d ${m.hostIP}${hostSuffix(family)} ` : '';
    const match = `${dst}-p ${m.protocol} -m ${m.protocol} --dport ${m.hostPort}`;
    if (settings.snat) {
      // iptables-save leaves out a match on every source (masqAll): so do we.
      out.push(settings.masqAll ? `${match} -j ${setMark}` : `-s ${address.network} ${match} -j ${setMark}`);
      if (family === 4 && !settings.masqAll) out.push(`-s 127.0.0.1/32 ${match} -j ${setMark}`);
    }
    const to = family === 4 ? `${address.ip}:${m.containerPort}` : `[${address.ip}]:${m.containerPort}`;
    out.push(`${match} -j DNAT --to-destination ${to}`);
  }
  return out;
}

/** Rule text with the implicit protocol matches and blank runs removed, for comparisons. */
export function normalizeRule(rule: string): string {
  return rule.replace(/ -m (tcp|udp|sctp)(?= )/g, '').replace(/\s+/g, ' ').trim();
}
