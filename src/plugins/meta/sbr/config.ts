/**
 * sbr's config: `table` (use this routing table and only add the source rules), `gateways` (at
 * most one IPv4 and one IPv6 address, overriding prevResult's gateways for the default routes)
 * and `addSourceHints` (keep the subnet routes in the main table with the address as source hint).
 * Validated before anything is touched (the reference finds a bad gateway only halfway through).
 */
import type { NetConf } from '../../../spec/types.js';
import { invalidConfig } from '../../../spec/errors.js';
import { optBool, optInt, optStringArray, present } from '../../../lib/config-fields.js';
import { IpAddress } from '../../../lib/ip/index.js';

export interface SbrConf extends NetConf {
  settings: {
    table?: number;
    gatewayV4?: string;
    gatewayV6?: string;
    addSourceHints: boolean;
  };
}

function tableOf(raw: NetConf): number | undefined {
  if (!present(raw, 'table')) return undefined;
  const t = optInt(raw, 'table', 0);
  // 0 (unspec), 253-255 (default, main, local) would send the source traffic nowhere useful.
  if (t < 1 || t > 0xffffffff || (t >= 253 && t <= 255)) {
    throw invalidConfig(`"table" must be a routing table id (1-4294967295, not 253-255), got ${t}`);
  }
  return t;
}

export function parseSbrConfig(raw: NetConf): SbrConf {
  const settings: SbrConf['settings'] = { addSourceHints: optBool(raw, 'addSourceHints', false) };
  const table = tableOf(raw);
  if (table !== undefined) settings.table = table;
  const gateways = optStringArray(raw, 'gateways') ?? [];
  if (gateways.length > 2) throw invalidConfig('gateways list cannot contain more than 2 entries (one IPv4, one IPv6)');
  for (const gw of gateways) {
    const ip = IpAddress.tryParse(gw);
    if (!ip) throw invalidConfig(`invalid static gateway IP address: ${gw}`);
    const key = ip.family === 4 ? 'gatewayV4' : 'gatewayV6';
    if (settings[key]) throw invalidConfig(`gateways list contains multiple IPv${ip.family} addresses: ${settings[key]} and ${gw}`);
    settings[key] = ip.toString();
  }
  return { ...raw, settings };
}
