/**
 * The dhcp IPAM section, as the reference reads it: `daemonSocketPath`, `request`
 * ([{option, skipDefault}]), `provide` ([{option, value | fromArg}]) and `priority` (the metric of
 * the routes handed back). Validated in the plugin before the daemon is asked, and again by the
 * daemon, which resolves the options into the bytes it sends (options-plan.ts).
 */
import { invalidConfig } from '../../../spec/errors.js';
import type { NetConf } from '../../../spec/types.js';
import { optBool, optInt, optString, optValue, present } from '../../../lib/config-fields.js';

export const DEFAULT_SOCKET_PATH = '/run/cni/dhcp.sock';

export interface RequestOption {
  option: number;
  skipDefault: boolean;
}

export interface ProvideOption {
  option: number;
  value?: string;
  fromArg?: string;
}

export interface DhcpIpamConf {
  daemonSocketPath: string;
  request: RequestOption[];
  provide: ProvideOption[];
  priority?: number;
}

/** The option names the reference accepts besides plain numbers (dhcp-options(5) spelling). */
const OPTION_NAMES: Record<string, number> = {
  'dhcp-client-identifier': 61,
  'subnet-mask': 1,
  routers: 3,
  'host-name': 12,
  'user-class': 77,
  'vendor-class-identifier': 60,
};

export function parseOptionName(raw: unknown, where: string): number {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= 255) return raw;
  if (typeof raw === 'string') {
    if (raw in OPTION_NAMES) return OPTION_NAMES[raw]!;
    if (/^\d{1,3}$/.test(raw) && Number(raw) <= 255) return Number(raw);
  }
  throw invalidConfig(`Can not parse option ${JSON.stringify(raw)}: ${where} must be a number 0-255 or one of ${Object.keys(OPTION_NAMES).join(', ')}`);
}

function objects(raw: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const v = optValue(raw, key);
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((o) => typeof o !== 'object' || o === null || Array.isArray(o))) {
    throw invalidConfig(`failed to load netconf: "ipam.${key}" must be an array of objects`);
  }
  return v as Record<string, unknown>[];
}

export function parseDhcpIpam(conf: NetConf): DhcpIpamConf {
  const ipam = conf.ipam as Record<string, unknown> | undefined;
  if (typeof ipam !== 'object' || ipam === null || Array.isArray(ipam)) throw invalidConfig('IPAM config missing \'ipam\' key');
  const request = objects(ipam, 'request').map((o, i) => ({
    option: parseOptionName(optValue(o, 'option'), `ipam.request[${i}].option`),
    skipDefault: optBool(o, 'skipDefault', false),
  }));
  const provide = objects(ipam, 'provide').map((o, i) => {
    const option = parseOptionName(optValue(o, 'option'), `ipam.provide[${i}].option`);
    const value = optString(o, 'value');
    const fromArg = optString(o, 'fromArg');
    if (value !== undefined && Buffer.byteLength(value) > 255) throw invalidConfig(`value too long for option "${String(optValue(o, 'option'))}": "${value}"`);
    return { option, ...(value ? { value } : {}), ...(fromArg ? { fromArg } : {}) };
  });
  const priority = present(ipam, 'priority') ? optInt(ipam, 'priority', 0) : undefined;
  return {
    daemonSocketPath: optString(ipam, 'daemonSocketPath') || DEFAULT_SOCKET_PATH,
    request,
    provide,
    ...(priority !== undefined ? { priority } : {}),
  };
}
