/** One PluginDefinition from a link driver: ADD, DEL, CHECK shared; STATUS and GC through IPAM. */
import type { PluginDefinition } from '../../skel/types.js';
import { delegateGc, delegateStatus } from '../../skel/delegate.js';
import { addLinkAttachment } from './add.js';
import { delLinkAttachment } from './del.js';
import { checkLinkAttachment } from './check.js';
import type { LinkDriver, LinkPluginConf } from './types.js';

export function linkPlugin<C extends LinkPluginConf>(driver: LinkDriver<C>): PluginDefinition<C> {
  return {
    name: driver.name,
    parseConfig: (raw, ctx) => driver.parseConfig(raw, ctx),
    add: (conf, ctx) => addLinkAttachment(driver, conf, ctx),
    del: (conf, ctx) => delLinkAttachment(conf, ctx),
    check: (conf, ctx) => checkLinkAttachment(driver, conf, ctx),
    ...ipamStatusAndGc<C>(),
  };
}

/** STATUS and GC are the IPAM plugin's; without one there is no state and nothing to depend on. */
export function ipamStatusAndGc<C extends LinkPluginConf>(): Pick<PluginDefinition<C>, 'status' | 'gc'> {
  return {
    status: async (conf, ctx) => {
      if (conf.link.ipamType) await delegateStatus(conf.link.ipamType, ctx.args.stdin, ctx);
    },
    gc: async (conf, ctx) => {
      if (conf.link.ipamType) await delegateGc(conf.link.ipamType, ctx.args.stdin, ctx);
    },
  };
}

export type { LinkDriver, LinkPluginConf, LinkCommon, CreateEnv } from './types.js';
export { readIpamType, readLinkCommon, readMtu, readIfName, readMode } from './config.js';
export { createOnMaster, onMaster, addLink, resolveMaster, lookupMaster, masterNamespace, defaultRouteInterface, MasterError, type MasterSettings } from './master.js';
export { containerInterface, checkContainerLink } from './check.js';
