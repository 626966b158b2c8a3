/**
 * GC (the reference has none: a node that never got a DEL, e.g. after a reboot, leaked its
 * addresses): release every reservation whose attachment is not in `cni.dev/valid-attachments`
 * (or the older `cni.dev/attachments`), then leftovers of interrupted writes. Keeps going past
 * errors and reports them all.
 */
import type { PluginContext } from '../../../../skel/types.js';
import type { NetConf } from '../../../../spec/types.js';
import type { HostLocalConf } from '../config/types.js';
import { collectGarbage } from '../reservations.js';
import type { AttachmentKey } from '../store/store.js';
import { combinedFailure, storeDir, withLockedStore, type HostLocalDeps } from './deps.js';
import { validAttachments as parseValidAttachments } from '../../../../skel/valid-attachments.js';

/** The attachments to keep, as store keys (see src/skel/valid-attachments.ts). */
export function validAttachments(conf: NetConf): AttachmentKey[] {
  return parseValidAttachments(conf).map((a) => ({ containerId: a.containerID, ifName: a.ifname }));
}

export function gc(conf: HostLocalConf, ctx: PluginContext, deps: HostLocalDeps): void {
  const valid = validAttachments(conf);
  const dir = storeDir(conf);
  if (!deps.storeExists(dir)) return;
  const errors = withLockedStore(deps, dir, (store) => collectGarbage(store, valid));
  ctx.log.debug({ network: conf.name, kept: valid.length, errors: errors.length }, 'host-local: gc done');
  const failure = combinedFailure('host-local GC', errors);
  if (failure) throw failure;
}
