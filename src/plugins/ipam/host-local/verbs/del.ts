/**
 * DEL: release every reservation of (containerID, ifname), or the container's legacy ID-only
 * ones. Idempotent; a missing store directory means nothing to release (and is not created).
 */
import type { PluginContext } from '../../../../skel/types.js';
import type { HostLocalConf } from '../config/types.js';
import { releaseHeldBy } from '../reservations.js';
import { combinedFailure, storeDir, withLockedStore, type HostLocalDeps } from './deps.js';

export function del(conf: HostLocalConf, ctx: PluginContext, deps: HostLocalDeps): void {
  const dir = storeDir(conf);
  if (!deps.storeExists(dir)) return;
  const key = { containerId: ctx.args.containerId, ifName: ctx.args.ifName };
  const errors = withLockedStore(deps, dir, (store) => releaseHeldBy(store, key));
  const failure = combinedFailure(`host-local: releasing addresses of ${key.containerId}`, errors);
  if (failure) throw failure;
}
