/** Reading the keys every link plugin shares, with the reference's messages. */
import type { NetConf } from '../../spec/types.js';
import { invalidConfig } from '../../spec/errors.js';
import { optBool, optInt, optString } from '../config-fields.js';
import { validLinkName } from '../../netlink/route/link.js';
import type { LinkCommon } from './types.js';

/** ipam.type; '' when absent. `required` names the plugin in the error, as the reference. */
export function readIpamType(raw: NetConf, required?: string): string {
  const type = raw.ipam?.type;
  if (type !== undefined && type !== null && typeof type !== 'string') throw invalidConfig('failed to load netconf: "ipam.type" must be a string');
  if (required && !type) throw invalidConfig(required);
  return type ?? '';
}

export function readLinkCommon(raw: NetConf, ipamRequired?: string): LinkCommon {
  return { ipamType: readIpamType(raw, ipamRequired), linkInContainer: optBool(raw, 'linkInContainer', false) };
}

/** `mtu`: 0 (the kernel's default) or positive. The upper bound (the master's MTU) is checked at ADD. */
export function readMtu(raw: NetConf): number {
  const mtu = optInt(raw, 'mtu', 0);
  if (mtu < 0) throw invalidConfig(`invalid MTU ${mtu}, must be [0, master MTU]`);
  return mtu;
}

/** An optional interface name key (`master`, `bridge`, `device`). */
export function readIfName(raw: NetConf, key: string): string | undefined {
  const name = optString(raw, key) || undefined;
  if (name !== undefined && !validLinkName(name)) throw invalidConfig(`invalid "${key}": ${JSON.stringify(name)} is not an interface name`);
  return name;
}

/** A mode key whose allowed values are a table's keys; '' or absent gives the default. */
export function readMode<M extends string>(raw: NetConf, plugin: string, modes: readonly M[], dflt: M): M {
  const mode = optString(raw, 'mode') || dflt;
  if (!(modes as readonly string[]).includes(mode)) throw invalidConfig(`unknown ${plugin} mode: ${JSON.stringify(mode)}`);
  return mode as M;
}
