/**
 * CHECK, as the reference: the attachment must hold at least one reservation in the store
 * (whatever the address). A missing store directory fails the same way and is not created.
 */
import type { PluginContext } from '../../../../skel/types.js';
import { CniError, ErrorCode } from '../../../../spec/errors.js';
import type { HostLocalConf } from '../config/types.js';
import { holdsAny } from '../reservations.js';
import { storeDir, withLockedStore, type HostLocalDeps } from './deps.js';

export function check(conf: HostLocalConf, ctx: PluginContext, deps: HostLocalDeps): void {
  const dir = storeDir(conf);
  const key = { containerId: ctx.args.containerId, ifName: ctx.args.ifName };
  const found = deps.storeExists(dir) && withLockedStore(deps, dir, (store) => holdsAny(store, key));
  if (!found) throw new CniError(ErrorCode.Internal, `host-local: Failed to find address added by container ${key.containerId}`);
}
