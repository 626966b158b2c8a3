/**
 * vrf's config: `vrfname` (required) and `table` (optional; 0 or absent = the first table id no
 * VRF in the namespace uses, as the reference picks it).
 */
import type { NetConf } from '../../../spec/types.js';
import { invalidConfig } from '../../../spec/errors.js';
import { optInt, optString } from '../../../lib/config-fields.js';
import { validLinkName } from '../../../netlink/route/link.js';
import { RT_TABLE } from '../../../netlink/route/consts.js';

export interface VrfSettings {
  vrfName: string;
  /** 0: pick a free one when the VRF is made. */
  table: number;
}

export interface VrfConf extends NetConf {
  settings: VrfSettings;
}

const MAX_TABLE = 0xffffffff;
/** Tables the kernel itself uses: a VRF there would take over the namespace's own routing. */
const RESERVED_TABLES: readonly number[] = [RT_TABLE.DEFAULT, RT_TABLE.MAIN, RT_TABLE.LOCAL];

export function parseVrfConfig(raw: NetConf): VrfConf {
  const vrfName = optString(raw, 'vrfname') ?? '';
  if (vrfName === '') throw invalidConfig('configuration is expected to have a valid vrf name');
  if (!validLinkName(vrfName)) throw invalidConfig(`vrfname "${vrfName}" is not a valid interface name (1-15 bytes, no whitespace, '/' or ':')`);
  const table = optInt(raw, 'table', 0);
  if (table < 0 || table > MAX_TABLE) throw invalidConfig(`table ${table} is out of range (1-${MAX_TABLE}, or 0 to pick a free one)`);
  if (RESERVED_TABLES.includes(table)) throw invalidConfig(`table ${table} is reserved for the kernel's default, main and local tables`);
  return { ...raw, settings: { vrfName, table } };
}
