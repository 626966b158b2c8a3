/** The container MAC (bridge, macvlan, tap): [mac <] CNI_ARGS MAC < args.cni.mac < runtimeConfig.mac (later wins, as the reference). */
import type { NetConf } from '../spec/types.js';
import { invalidConfig } from '../spec/errors.js';
import { pickCniArgs } from '../skel/cni-args.js';
import { normalizeMac } from './mac.js';
import { optValue } from './config-fields.js';

function stringAt(v: unknown, source: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw invalidConfig(`${source} must be a string`);
  return v;
}

/** `withMacKey`: the plugin also has a top-level "mac" key (macvlan, tap), weakest of all. */
export function requestedMac(conf: NetConf, cniArgs: string, withMacKey = false): string | undefined {
  const sources: [string | undefined, string][] = [
    [withMacKey ? stringAt(optValue(conf, 'mac'), 'mac') : undefined, 'mac'],
    [pickCniArgs(cniArgs, ['MAC']).MAC || undefined, 'CNI_ARGS MAC'],
    [stringAt(conf.args?.cni?.mac, 'args.cni.mac'), 'args.cni.mac'],
    [stringAt(conf.runtimeConfig?.mac, 'runtimeConfig.mac'), 'runtimeConfig.mac'],
  ];
  let mac: string | undefined;
  for (const [value, source] of sources) if (value) mac = normalizeMac(value, source);
  return mac;
}
