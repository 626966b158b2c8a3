/**
 * host-device: moves an existing host device (by name, MAC, sysfs path or PCI address) into the
 * container as CNI_IFNAME, and back under its original name (with its host addresses) on DEL.
 */
import type { PluginDefinition } from '../../../skel/types.js';
import type { Result } from '../../../spec/types.js';
import { delegateCheck } from '../../../skel/delegate.js';
import { validAttachments } from '../../../skel/valid-attachments.js';
import { InterfaceCheckError, Sandbox, validateInterfaceIPs, validateRoutes } from '../../../lib/ifconfig/index.js';
import { checkContainerLink, containerInterface, ipamStatusAndGc } from '../../../lib/link-plugin/index.js';
import { parseHostDeviceConfig, type HostDeviceConf } from './config.js';
import { addHostDevice } from './add.js';
import { delHostDevice } from './del.js';
import { removeState, staleStateFiles } from './state.js';

const ipam = ipamStatusAndGc<HostDeviceConf>();

export const plugin: PluginDefinition<HostDeviceConf> = {
  name: 'host-device',
  parseConfig: (raw) => parseHostDeviceConfig(raw),
  add: addHostDevice,
  del: delHostDevice,
  async check(conf, ctx) {
    const { netns, ifName } = ctx.args;
    using sb = Sandbox.open(netns);
    if (conf.link.ipamType) await delegateCheck(conf.link.ipamType, ctx.args.stdin, ctx);
    if (!conf.prevResult) throw new InterfaceCheckError('Required prevResult missing');
    if (conf.settings.dpdkMode) return;
    const prev = conf.prevResult as Result;
    checkContainerLink(sb.nl, containerInterface(prev, ifName, netns), undefined);
    validateInterfaceIPs(sb.nl, ifName, prev.ips ?? []);
    validateRoutes(sb.nl, prev.routes ?? []);
  },
  status: ipam.status,
  // Host-side records of attachments that are not valid any more, then the IPAM plugin's GC.
  async gc(conf, ctx) {
    for (const file of staleStateFiles(conf.settings.dataDir, conf.name, validAttachments(conf))) removeState(file);
    await ipam.gc!(conf, ctx);
  },
};
