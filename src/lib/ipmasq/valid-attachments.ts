/** cni.dev/valid-attachments (or the older cni.dev/attachments) of a GC request. */
import { invalidConfig } from '../../spec/errors.js';
import type { NetConf } from '../../spec/types.js';
import type { ValidAttachment } from './types.js';

const VALID_KEYS = ['cni.dev/valid-attachments', 'cni.dev/attachments'] as const;

/** GC without the list would remove every attachment's rules: refuse (code 7) rather than guess. */
export function validAttachmentsOf(conf: NetConf): ValidAttachment[] {
  const key = VALID_KEYS.find((k) => conf[k] !== undefined && conf[k] !== null);
  if (!key) throw invalidConfig(`GC needs "${VALID_KEYS[0]}" (the attachments to keep)`);
  const raw: unknown = conf[key];
  if (!Array.isArray(raw)) throw invalidConfig(`${key}: expected an array`);
  return raw.map((a: unknown, i) => {
    const o = (typeof a === 'object' && a !== null ? a : {}) as Record<string, unknown>;
    if (typeof o.containerID !== 'string' || typeof o.ifname !== 'string') {
      throw invalidConfig(`${key}[${i}]: expected {"containerID": string, "ifname": string}`);
    }
    return { containerID: o.containerID, ifname: o.ifname };
  });
}
