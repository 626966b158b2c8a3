/**
 * bridge "macspoofchk": frames from the container's port must carry the container's MAC
 * (src/lib/macspoof, the reference layout in table bridge nat). Loaded only when enabled.
 */
import type { Rollback } from '../../../lib/rollback.js';
import type { PluginContext } from '../../../skel/types.js';
import type { NetConf } from '../../../spec/types.js';
import { Sandbox } from '../../../lib/ifconfig/index.js';
import { validAttachmentsOf } from '../../../lib/ipmasq/valid-attachments.js';
import type { BridgeSettings } from './config.js';

const load = () => import('../../../lib/macspoof/index.js');

/** ADD, right after the port exists: only `mac` may enter the bridge from `hostIface`. */
export async function addSpoofCheck(ctx: PluginContext, rb: Rollback, port: { hostIface: string; mac: string }): Promise<void> {
  const m = await load();
  const { containerId, ifName } = ctx.args;
  rb.defer('spoof-check teardown', () => m.teardownSpoofCheck(containerId, ifName));
  m.setupSpoofCheck({ containerId, ifName, ...port });
}

/** DEL: as the reference, a failed teardown is logged, not fatal. */
export async function delSpoofCheck(ctx: PluginContext): Promise<void> {
  const m = await load();
  try {
    m.teardownSpoofCheck(ctx.args.containerId, ctx.args.ifName);
  } catch (err) {
    ctx.log.warn({ err }, 'macspoofchk teardown failed');
  }
}

/**
 * GC: checks of attachments not in the valid list, on ports of this network's bridge (or whose
 * port is gone); other networks' checks in the shared table are left alone.
 */
export async function gcSpoofChecks(conf: NetConf, s: BridgeSettings): Promise<void> {
  const valid = validAttachmentsOf(conf);
  const m = await load();
  using host = Sandbox.current();
  const br = host.nl.linkByNameOrNull(s.bridge);
  m.gcSpoofChecks({
    valid,
    owns: (iface) => {
      const link = host.nl.linkByNameOrNull(iface);
      return !link || (br !== null && link.masterIndex === br.index);
    },
  });
}
