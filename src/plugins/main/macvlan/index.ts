/**
 * macvlan: a macvlan link on a master (default: the default route's link) in the container, with
 * its own MAC; addresses from IPAM, or L2 only without an ipam section.
 */
import type { MacvlanMode } from '../../../netlink/index.js';
import type { NetConf } from '../../../spec/types.js';
import { invalidConfig } from '../../../spec/errors.js';
import { optInt, present } from '../../../lib/config-fields.js';
import { requestedMac } from '../../../lib/container-mac.js';
import { InterfaceCheckError } from '../../../lib/ifconfig/index.js';
import { linkPlugin, onMaster, readIfName, readLinkCommon, readMode, readMtu, type LinkPluginConf, type MasterSettings } from '../../../lib/link-plugin/index.js';

const MODES: readonly MacvlanMode[] = ['bridge', 'private', 'vepa', 'passthru', 'source'];

export interface MacvlanConf extends LinkPluginConf {
  settings: MasterSettings & {
    mode: MacvlanMode;
    mac?: string;
    /** Broadcast queue length (IFLA_MACVLAN_BC_QUEUE_LEN); absent: the kernel's default. */
    bcQueueLen?: number;
  };
}

export function parseMacvlanConfig(raw: NetConf, cniArgs: string): MacvlanConf {
  const bcQueueLen = present(raw, 'bcqueuelen') ? optInt(raw, 'bcqueuelen', 0) : undefined;
  if (bcQueueLen !== undefined && (bcQueueLen < 0 || bcQueueLen > 0xffffffff)) throw invalidConfig(`invalid bcqueuelen ${bcQueueLen}`);
  return {
    ...raw,
    link: readLinkCommon(raw),
    settings: {
      master: readIfName(raw, 'master'),
      mode: readMode(raw, 'macvlan', MODES, 'bridge'),
      mtu: readMtu(raw),
      mac: requestedMac(raw, cniArgs, true),
      ...(bcQueueLen !== undefined ? { bcQueueLen } : {}),
    },
  };
}

export const plugin = linkPlugin<MacvlanConf>({
  name: 'macvlan',
  kind: 'macvlan',
  parseConfig: (raw, ctx) => parseMacvlanConfig(raw, ctx.args.args),
  ...onMaster<MacvlanConf>('macvlan', ({ settings: s }, base) => ({
    ...base,
    kind: 'macvlan',
    mode: s.mode,
    ...(s.mac ? { mac: s.mac } : {}),
    ...(s.bcQueueLen !== undefined ? { bcQueueLen: s.bcQueueLen } : {}),
  })),
  notify: { arp: true, ndisc: true },
  prevResultMissing: 'required prevResult missing',
  checkLink(conf, link) {
    if (link.macvlanMode !== conf.settings.mode) {
      throw new InterfaceCheckError(`container macvlan mode ${link.macvlanMode ?? 'unknown'} does not match expected value: ${conf.settings.mode}`);
    }
  },
  checkRoutes: true,
});
