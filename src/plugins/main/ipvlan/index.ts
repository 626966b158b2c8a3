/**
 * ipvlan: an ipvlan link (l2, l3 or l3s) on a master in the container. The master is the config's,
 * or in a chain the single interface of the prevResult, or the default route's link. Without an
 * ipam section the prevResult's addresses are used (a chained ipvlan).
 */
import type { IpvlanMode } from '../../../netlink/index.js';
import type { NetConf, Result } from '../../../spec/types.js';
import { invalidConfig } from '../../../spec/errors.js';
import { InterfaceCheckError } from '../../../lib/ifconfig/index.js';
import { linkPlugin, onMaster, readIfName, readLinkCommon, readMode, readMtu, type LinkPluginConf, type MasterSettings } from '../../../lib/link-plugin/index.js';

const MODES: readonly IpvlanMode[] = ['l2', 'l3', 'l3s'];

export interface IpvlanConf extends LinkPluginConf {
  settings: MasterSettings & { mode: IpvlanMode };
}

/** In a chain without `master`, the prevResult must name exactly one interface: that is the master. */
function chainedMaster(raw: NetConf): string | undefined {
  const prev = raw.prevResult as Result | undefined;
  if (!prev) return undefined;
  const ifaces = prev.interfaces ?? [];
  if (ifaces.length === 1 && ifaces[0]!.name) return ifaces[0]!.name;
  throw invalidConfig('chained master failure. PrevResult lacks a single named interface');
}

export function parseIpvlanConfig(raw: NetConf, command: string): IpvlanConf {
  const common = readLinkCommon(raw);
  const master = readIfName(raw, 'master') ?? (command === 'ADD' ? chainedMaster(raw) : undefined);
  const conf: IpvlanConf = { ...raw, link: common, settings: { ...(master ? { master } : {}), mode: readMode(raw, 'ipvlan', MODES, 'l2'), mtu: readMtu(raw) } };
  if (command === 'ADD' && !common.ipamType && !((raw.prevResult as Result | undefined)?.ips ?? []).length) {
    throw invalidConfig('ipvlan needs addresses: give an "ipam" section, or chain it after a plugin whose prevResult has IPs');
  }
  return conf;
}

export const plugin = linkPlugin<IpvlanConf>({
  name: 'ipvlan',
  kind: 'ipvlan',
  parseConfig: (raw, ctx) => parseIpvlanConfig(raw, ctx.args.command),
  ...onMaster<IpvlanConf>('ipvlan', ({ settings: s }, base) => ({ ...base, kind: 'ipvlan', mode: s.mode })),
  notify: { arp: true, ndisc: true },
  addressesFromPrevResult: true,
  prevResultMissing: 'Required prevResult missing',
  checkLink(conf, link) {
    if (link.ipvlanMode !== conf.settings.mode) {
      throw new InterfaceCheckError(`Container IPVlan mode ${link.ipvlanMode ?? 'unknown'} does not match expected value: ${conf.settings.mode}`);
    }
  },
  checkRoutes: true,
});
