/**
 * GC (the reference has none: a node that never got a DEL, e.g. after a reboot, leaked its
 * addresses): release every reservation whose attachment is not in `cni.dev/valid-attachments`
 * (or the older `cni.dev/attachments`), then leftovers of interrupted writes. Keeps going past
 * errors and reports them all.
 */
import type { PluginContext } from '../../../../skel/types.js';
import { invalidConfig } from '../../../../spec/errors.js';
import type { NetConf } from '../../../../spec/types.js';
import type { HostLocalConf } from '../config/types.js';
import { collectGarbage } from '../reservations.js';
import type { AttachmentKey } from '../store/store.js';
import { combinedFailure, storeDir, withLockedStore, type HostLocalDeps } from './deps.js';

const VALID_KEYS = ['cni.dev/valid-attachments', 'cni.dev/attachments'] as const;

/** A GC without the list would release everything: refuse rather than guess. */
export function validAttachments(conf: NetConf): AttachmentKey[] {
  const key = VALID_KEYS.find((k) => conf[k] !== undefined && conf[k] !== null);
  if (!key) throw invalidConfig(`GC needs "${VALID_KEYS[0]}" (the attachments to keep)`);
  const raw: unknown = conf[key];
  if (!Array.isArray(raw)) throw invalidConfig(`${key}: expected an array`);
  return raw.map((a: unknown, i) => {
    const o = (typeof a === 'object' && a !== null ? a : {}) as Record<string, unknown>;
    if (typeof o.containerID !== 'string' || typeof o.ifname !== 'string') {
      throw invalidConfig(`${key}[${i}]: expected {"containerID": string, "ifname": string}`);
    }
    return { containerId: o.containerID, ifName: o.ifname };
  });
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
