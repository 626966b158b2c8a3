/** The container MAC: CNI_ARGS MAC < args.cni.mac < runtimeConfig.mac (later wins, as the reference). */
import type { NetConf } from '../../../spec/types.js';
import { invalidConfig } from '../../../spec/errors.js';
import { pickCniArgs } from '../../../skel/cni-args.js';
import { normalizeMac } from '../../../lib/mac.js';

function stringAt(v: unknown, source: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw invalidConfig(`${source} must be a string`);
  return v;
}

export function requestedMac(conf: NetConf, cniArgs: string): string | undefined {
  const sources: [string | undefined, string][] = [
    [pickCniArgs(cniArgs, ['MAC']).MAC || undefined, 'CNI_ARGS MAC'],
    [stringAt(conf.args?.cni?.mac, 'args.cni.mac'), 'args.cni.mac'],
    [stringAt(conf.runtimeConfig?.mac, 'runtimeConfig.mac'), 'runtimeConfig.mac'],
  ];
  let mac: string | undefined;
  for (const [value, source] of sources) if (value) mac = normalizeMac(value, source);
  return mac;
}
