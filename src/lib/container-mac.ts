/** The container MAC (bridge, macvlan, tap): [mac <] CNI_ARGS MAC < args.cni.mac < runtimeConfig.mac (later wins, as the reference). */
import type { NetConf } from '../spec/types.js';
import { invalidConfig } from '../spec/errors.js';
import { pickCniArgs } from '../skel/cni-args.js';

const MAC_RE = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;

/** "AA-BB-..." or "aa:bb:..." -> "aa:bb:cc:dd:ee:ff"; code 7 for anything else. */
export function normalizeMac(mac: string, source: string): string {
  if (!MAC_RE.test(mac)) throw invalidConfig(`invalid MAC address ${JSON.stringify(mac)} in ${source}`);
  return mac.toLowerCase().replaceAll('-', ':');
}

function stringAt(v: unknown, source: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw invalidConfig(`${source} must be a string`);
  return v;
}

/** `withMacKey`: the plugin also has a top-level "mac" key (macvlan, tap), weakest of all. */
export function requestedMac(conf: NetConf, cniArgs: string, withMacKey = false): string | undefined {
  const sources: [string | undefined, string][] = [
    [withMacKey ? stringAt(conf.mac, 'mac') : undefined, 'mac'],
    [pickCniArgs(cniArgs, ['MAC']).MAC || undefined, 'CNI_ARGS MAC'],
    [stringAt(conf.args?.cni?.mac, 'args.cni.mac'), 'args.cni.mac'],
    [stringAt(conf.runtimeConfig?.mac, 'runtimeConfig.mac'), 'runtimeConfig.mac'],
  ];
  let mac: string | undefined;
  for (const [value, source] of sources) if (value) mac = normalizeMac(value, source);
  return mac;
}
