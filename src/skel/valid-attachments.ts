/**
 * GC's list of attachments to keep: `cni.dev/valid-attachments`, or the older
 * `cni.dev/attachments` that libcni also sends. Without the list a GC would remove everything of
 * the network, so it is refused (code 7) rather than guessed.
 */
import { invalidConfig } from '../spec/errors.js';
import type { Attachment, NetConf } from '../spec/types.js';

const VALID_KEYS = ['cni.dev/valid-attachments', 'cni.dev/attachments'] as const;

export function validAttachments(conf: NetConf): Attachment[] {
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
