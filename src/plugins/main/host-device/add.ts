/**
 * host-device ADD: find the device, record its host-side state, move it into the container as
 * CNI_IFNAME, then (with IPAM) address it. A failure moves it back and releases IPAM. DPDK mode
 * (PCI device bound to a userspace driver): nothing to move, IPAM only.
 */
import type { PluginContext } from '../../../skel/types.js';
import { CURRENT_VERSION, type Interface, type Result } from '../../../spec/types.js';
import { CniError, ErrorCode } from '../../../spec/errors.js';
import { delegateAdd, delegateDel } from '../../../skel/delegate.js';
import { Rollback } from '../../../lib/rollback.js';
import { Sandbox, configureInterface, hasDnsSettings } from '../../../lib/ifconfig/index.js';
import type { HostDeviceConf } from './config.js';
import { findHostDevice } from './find.js';
import { moveIn, moveOut } from './move.js';
import { captureState, removeState, stateFile, writeState } from './state.js';

export async function addHostDevice(conf: HostDeviceConf, ctx: PluginContext): Promise<Result> {
  using sb = Sandbox.open(ctx.args.netns);
  using host = Sandbox.current();
  return await Rollback.run(ctx.log, async (rb) => {
    const iface = conf.settings.dpdkMode ? undefined : moveDevice(conf, ctx, sb, host, rb);
    const result: Result = { cniVersion: CURRENT_VERSION, interfaces: iface ? [iface] : [] };
    const { ipamType } = conf.link;
    if (ipamType) {
      rb.defer(`IPAM DEL (${ipamType})`, () => delegateDel(ipamType, ctx.args.stdin, ctx));
      const ipam = await delegateAdd(ipamType, ctx.args.stdin, ctx);
      if ((ipam.ips ?? []).length === 0) throw new CniError(ErrorCode.Internal, 'IPAM plugin returned missing IP config');
      result.ips = (ipam.ips ?? []).map(({ interface: _i, ...ipc }) => (iface ? { ...ipc, interface: 0 } : ipc));
      result.routes = (ipam.routes ?? []).map((r) => ({ ...r }));
      if (ipam.dns) result.dns = ipam.dns;
      if (iface) await configureInterface(sb, ctx.args.ifName, result, { log: ctx.log });
    }
    if (hasDnsSettings(conf.dns)) result.dns = conf.dns;
    return result;
  });
}

function moveDevice(conf: HostDeviceConf, ctx: PluginContext, sb: Sandbox, host: Sandbox, rb: Rollback): Interface {
  let dev;
  try {
    dev = findHostDevice(host.nl, conf.settings.selector);
  } catch (err) {
    throw new CniError(ErrorCode.Internal, `failed to find host device: ${(err as Error).message}`, undefined, { cause: err });
  }
  const file = stateFile(conf.settings.dataDir, conf.name, ctx.args.containerId, ctx.args.ifName);
  const state = captureState(host.nl, dev);
  writeState(file, state);
  rb.defer(`remove ${file}`, () => removeState(file));
  const cont = moveIn(host, sb, dev, ctx.args.ifName);
  rb.defer(`move ${ctx.args.ifName} back to the host as ${dev.name}`, () => moveOut(sb, host, sb.nl.linkByIndex(cont.index), state, ctx.log));
  return { name: cont.name, mac: cont.mac, sandbox: ctx.args.netns };
}
