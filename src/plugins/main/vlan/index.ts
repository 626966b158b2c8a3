/**
 * vlan: an 802.1Q link with `vlanId` on `master` (required) in the container; IPAM required. The
 * MTU may not exceed the master's.
 */
import type { NetConf } from '../../../spec/types.js';
import { invalidConfig } from '../../../spec/errors.js';
import { optInt } from '../../../lib/config-fields.js';
import { InterfaceCheckError } from '../../../lib/ifconfig/index.js';
import { linkPlugin, onMaster, readIfName, readLinkCommon, readMtu, type LinkPluginConf, type MasterSettings } from '../../../lib/link-plugin/index.js';

export interface VlanConf extends LinkPluginConf {
  settings: MasterSettings & { master: string; vlanId: number };
}

export function parseVlanConfig(raw: NetConf): VlanConf {
  const master = readIfName(raw, 'master');
  if (!master) throw invalidConfig('"master" field is required. It specifies the host interface name to create the VLAN for');
  const vlanId = optInt(raw, 'vlanId', 0);
  if (vlanId < 0 || vlanId > 4094) throw invalidConfig(`invalid VLAN ID ${vlanId} (must be between 0 and 4094 inclusive)`);
  return { ...raw, link: readLinkCommon(raw, 'vlan needs an IPAM plugin: "ipam.type" is missing'), settings: { master, vlanId, mtu: readMtu(raw) } };
}

export const plugin = linkPlugin<VlanConf>({
  name: 'vlan',
  kind: 'vlan',
  parseConfig: (raw) => parseVlanConfig(raw),
  ...onMaster<VlanConf>('vlan', ({ settings: s }, base) => ({ ...base, kind: 'vlan', vlanId: s.vlanId })),
  notify: { arp: false, ndisc: false },
  prevResultMissing: 'vlan: Required prevResult missing',
  checkLink(conf, link) {
    if (link.vlanId !== conf.settings.vlanId) throw new InterfaceCheckError(`Error: link ${link.name} configured VLAN id is ${conf.settings.vlanId}, current value is ${link.vlanId}`);
    if (conf.settings.mtu && conf.settings.mtu !== link.mtu) throw new InterfaceCheckError(`Error: configured MTU of ${link.name} is ${conf.settings.mtu}, current value is ${link.mtu}`);
  },
  checkRoutes: true,
});
