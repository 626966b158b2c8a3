/** dummy: a dummy link in the container carrying the IPAM plugin's addresses (IPAM required). */
import type { NetConf } from '../../../spec/types.js';
import { InterfaceCheckError } from '../../../lib/ifconfig/index.js';
import { addLink, linkPlugin, readLinkCommon, type LinkPluginConf } from '../../../lib/link-plugin/index.js';

export type DummyConf = LinkPluginConf;

export function parseDummyConfig(raw: NetConf): DummyConf {
  return { ...raw, link: { ...readLinkCommon(raw, 'dummy interface requires an IPAM configuration'), linkInContainer: false } };
}

export const plugin = linkPlugin<DummyConf>({
  name: 'dummy',
  kind: 'dummy',
  parseConfig: (raw) => parseDummyConfig(raw),
  create(_conf, env) {
    addLink(env.sb.nl, 'dummy', { kind: 'dummy', name: env.tmpName });
  },
  notify: { arp: false, ndisc: false },
  prevResultMissing: 'dummy: Required prevResult missing',
  checkLink(_conf, link) {
    if (!link.up) throw new InterfaceCheckError(`Interface ${link.name} is down`);
  },
  checkRoutes: false,
});
