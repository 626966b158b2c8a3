/**
 * The options an attachment's messages carry, from its config and CNI_ARGS, as the reference
 * resolves them: `provide` values (or a CNI_ARGS value named by `fromArg`, which wins), and the
 * parameter request list: the defaults plus `request`, or only `request` when any entry says
 * `skipDefault`.
 */
import { parseCniArgs } from '../../../../skel/cni-args.js';
import { invalidConfig } from '../../../../spec/errors.js';
import type { DhcpIpamConf } from '../config.js';
import { Opt } from '../dhcp4/message.js';

/** The reference asks for routers and subnet mask; we also ask for DNS, domain, search and 121. */
export const DEFAULT_REQUESTED = [Opt.SUBNET_MASK, Opt.ROUTER, Opt.DNS_SERVERS, Opt.DOMAIN_NAME, Opt.DOMAIN_SEARCH, Opt.CLASSLESS_ROUTES];

export interface OptionsPlan {
  requested: number[];
  /** Option code -> value bytes (base64 when persisted). */
  provided: [number, Buffer][];
}

export function planOptions(conf: DhcpIpamConf, cniArgs: string): OptionsPlan {
  const args = parseCniArgs(cniArgs);
  const provided = new Map<number, Buffer>();
  for (const p of conf.provide) {
    if (p.value) provided.set(p.option, Buffer.from(p.value, 'utf8'));
    const fromArg = p.fromArg === undefined ? undefined : args.get(p.fromArg);
    if (fromArg !== undefined) {
      if (Buffer.byteLength(fromArg) > 255) throw invalidConfig(`value too long for option "${p.option}" from CNI_ARGS "${p.fromArg}": "${fromArg}"`);
      provided.set(p.option, Buffer.from(fromArg, 'utf8'));
    }
  }
  const skipDefault = conf.request.some((r) => r.skipDefault);
  const requested = [...new Set([...conf.request.map((r) => r.option), ...(skipDefault ? [] : DEFAULT_REQUESTED)])];
  return { requested, provided: [...provided] };
}
