/**
 * The `ipam` section of a main plugin's config: which IPAM plugin to delegate to. The reference
 * decodes `"ipam":"x"` as an error but an object without `type` as "no IPAM" and silently runs
 * L2-only, so a typo (`"tpye"`) drops all addressing. Here that is a config error naming the field;
 * only an absent, null or empty (`{}`, common in Multus configs) section means L2-only.
 */
import { invalidConfig } from '../spec/errors.js';
import type { NetConf } from '../spec/types.js';
import { isObject } from './go-fields.js';

/** The IPAM type; '' for no IPAM section. Code 7 naming the field for anything else. */
export function ipamTypeOf(raw: NetConf): string {
  const ipam: unknown = raw.ipam;
  if (ipam === undefined || ipam === null) return '';
  if (!isObject(ipam)) throw invalidConfig(`failed to load netconf: "ipam" must be an object with a "type", got ${JSON.stringify(ipam)}`);
  if (Object.keys(ipam).length === 0) return '';
  const type = ipam.type;
  if (type === undefined || type === null || type === '') {
    throw invalidConfig(`failed to load netconf: "ipam.type" is missing (the IPAM plugin to use; leave "ipam" out for no addresses)`);
  }
  if (typeof type !== 'string') throw invalidConfig(`failed to load netconf: "ipam.type" must be a string, got ${JSON.stringify(type)}`);
  return type;
}
