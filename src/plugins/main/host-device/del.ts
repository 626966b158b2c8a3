/**
 * host-device DEL: release IPAM first (also without a netns: the reference returns before that and
 * leaks the reservation), then bring the device home under its original name with its recorded
 * addresses. When the container's namespace is gone the kernel has already moved a physical
 * device to the initial namespace (a virtual one, e.g. a veth, is destroyed with the namespace):
 * if the plugin runs there it finds the device by its alias and renames it back. Idempotent.
 */
import type { PluginContext } from '../../../skel/types.js';
import { delegateDel } from '../../../skel/delegate.js';
import { Sandbox, isNetnsGone } from '../../../lib/ifconfig/index.js';
import type { HostDeviceConf } from './config.js';
import { moveOut, reclaimReturned } from './move.js';
import { readState, removeState, stateFile } from './state.js';

export async function delHostDevice(conf: HostDeviceConf, ctx: PluginContext): Promise<void> {
  if (conf.link.ipamType) await delegateDel(conf.link.ipamType, ctx.args.stdin, ctx);
  if (conf.settings.dpdkMode) return;
  const file = stateFile(conf.settings.dataDir, conf.name, ctx.args.containerId, ctx.args.ifName);
  const state = readState(file);
  using host = Sandbox.current();
  if (!moveBackFromContainer(ctx, host, state)) {
    const name = state?.name ?? ('device' in conf.settings.selector ? conf.settings.selector.device : undefined);
    const home = name !== undefined && reclaimReturned(host, name, state, ctx.log);
    if (!home) ctx.log.info({ device: name }, 'host device not found in the container nor here: gone with its namespace, or back in the initial namespace');
  }
  removeState(file);
}

/** Whether the device was found in the container (and moved back). */
function moveBackFromContainer(ctx: PluginContext, host: Sandbox, state: ReturnType<typeof readState>): boolean {
  if (!ctx.args.netns) return false;
  let sb: Sandbox;
  try {
    sb = Sandbox.open(ctx.args.netns);
  } catch (err) {
    if (isNetnsGone(err)) return false;
    throw err;
  }
  try {
    const link = sb.nl.linkByNameOrNull(ctx.args.ifName);
    if (!link) return false;
    moveOut(sb, host, link, state, ctx.log);
    return true;
  } finally {
    sb.close();
  }
}
