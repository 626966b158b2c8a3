/**
 * conditionsV4 / conditionsV6: extra matches on the rules that send traffic to the host ports.
 * As in the reference, a list whose first word starts with "-" holds iptables arguments
 * (passed to iptables-restore as they are), anything else nft syntax. Without the nft process we
 * compile nft text ourselves, so only a small grammar is understood; anything else is refused with
 * code 2 naming the key rather than silently dropped:
 *
 *   ip saddr|daddr [==|!=] ADDRESS[/LEN]      (conditionsV4)
 *   ip6 saddr|daddr [==|!=] ADDRESS[/LEN]     (conditionsV6)
 *   [meta] iifname|oifname [==|!=] NAME       (NAME may be quoted; a trailing * is a prefix match)
 */
import type { IpFamily } from '../../../netlink/codec/ip.js';
import { parseCidr, parseIp } from '../../../netlink/codec/ip.js';
import { iifname, ipDaddr, ipSaddr, oifname, type Expr } from '../../../netlink/nftables/index.js';
import { CniError, ErrorCode, invalidConfig } from '../../../spec/errors.js';

export type ConditionsKey = 'conditionsV4' | 'conditionsV6';
export type ConditionsSyntax = 'iptables' | 'nftables';

export const NFT_CONDITION_GRAMMAR = 'ip|ip6 saddr|daddr [!=] ADDRESS[/LEN], [meta] iifname|oifname [!=] NAME';

/**
 * "iptables" when the first entry starts with "-" (or is a "!" negating one, as in the reference's
 * own example ["!", "-d", "192.0.2.0/24"], which the reference misreads as nft), "nftables"
 * otherwise, undefined when empty.
 */
export function conditionsSyntax(conditions: readonly string[] | undefined): ConditionsSyntax | undefined {
  const words = (conditions ?? []).join(' ').trim().split(/\s+/);
  const first = words[0];
  if (!first) return undefined;
  const negated = first === '!' && words[1]?.startsWith('-');
  return first.startsWith('-') || negated ? 'iptables' : 'nftables';
}

/** Split nft text into words; "double quoted" words keep their blanks. */
function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2]!);
  return out;
}

function unsupported(key: ConditionsKey, text: string, why: string): CniError {
  return new CniError(ErrorCode.UnsupportedField, `${key}: unsupported nftables condition ${JSON.stringify(text)} (${why})`, `supported: ${NFT_CONDITION_GRAMMAR}`);
}

function isAddress(text: string): boolean {
  try {
    if (text.includes('/')) parseCidr(text);
    else parseIp(text);
    return true;
  } catch {
    return false;
  }
}

/** Compile nft-syntax conditions for the table of `family` into expressions. */
export function compileNftConditions(key: ConditionsKey, family: IpFamily, conditions: readonly string[]): Expr[] {
  const text = conditions.join(' ');
  const words = tokenize(text);
  const out: Expr[] = [];
  let i = 0;
  const takeOp = (): boolean => {
    const w = words[i];
    if (w === '!=' || w === '==') {
      i++;
      return w === '!=';
    }
    return false;
  };
  while (i < words.length) {
    let w = words[i++]!;
    if (w === 'ip' || w === 'ip6') {
      const want = family === 4 ? 'ip' : 'ip6';
      if (w !== want) throw invalidConfig(`${key}: "${w}" matches do not apply to IPv${family} traffic (use "${want}")`);
      const field = words[i++];
      if (field !== 'saddr' && field !== 'daddr') throw unsupported(key, text, `"${w} ${field ?? ''}" is not understood`);
      const neq = takeOp();
      const addr = words[i++];
      if (addr === undefined || !isAddress(addr)) throw unsupported(key, text, `expected an address after "${w} ${field}"`);
      if (parseIp(addr.split('/')[0]!).family !== family) throw invalidConfig(`${key}: ${addr} is not an IPv${family} address`);
      out.push(...(field === 'saddr' ? ipSaddr(addr, { neq }) : ipDaddr(addr, { neq })));
      continue;
    }
    if (w === 'meta') w = words[i++] ?? '';
    if (w === 'iifname' || w === 'oifname') {
      const neq = takeOp();
      const name = words[i++];
      if (!name) throw unsupported(key, text, `expected an interface name after "${w}"`);
      try {
        out.push(...(w === 'iifname' ? iifname(name, { neq }) : oifname(name, { neq })));
      } catch (err) {
        throw invalidConfig(`${key}: ${(err as Error).message}`, err);
      }
      continue;
    }
    throw unsupported(key, text, `"${w}" is not understood`);
  }
  return out;
}

/** iptables arguments end up on an iptables-restore line: a newline would start a new command. */
export function checkIptablesConditions(key: ConditionsKey, conditions: readonly string[]): void {
  for (const c of conditions) if (/[\r\n]/.test(c)) throw invalidConfig(`${key}: a condition contains a line break: ${JSON.stringify(c)}`);
}
