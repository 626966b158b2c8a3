/**
 * tuning's config: the reference's keys (sysctl, mac, mtu, promisc, allmulti, txQLen, dataDir)
 * and its overrides, in its order: CNI_ARGS MAC, then runtimeConfig.mac, then args.cni.{sysctl,
 * mac, promisc, mtu, allmulti, txQLen} (args win). Validated once, before anything is touched.
 */
import type { NetConf } from '../../../spec/types.js';
import { invalidConfig } from '../../../spec/errors.js';
import { optBool, optInt, optString, optStringMap, present } from '../../../lib/config-fields.js';
import { normalizeMac } from '../../../lib/mac.js';
import { pickCniArgs } from '../../../skel/cni-args.js';
import { duplicateKeysOf } from './json-keys.js';

export const DEFAULT_DATA_DIR = '/run/cni/tuning';

/** What ADD sets on the interface; absent = leave as it is. */
export interface LinkTuning {
  mac?: string;
  /** Only `true` does anything (the reference cannot turn promiscuous mode off). */
  promisc: boolean;
  mtu?: number;
  allmulti?: boolean;
  txQLen?: number;
}

export interface TuningConf extends NetConf {
  settings: {
    dataDir: string;
    /** Keys as written (dotted or path form, maybe with IFNAME), in config order. */
    sysctl: [string, string][];
    link: LinkTuning;
  };
}

type Raw = Record<string, unknown>;

function sysctlMap(raw: Raw, where: string): [string, string][] {
  try {
    return Object.entries(optStringMap(raw, 'sysctl') ?? {});
  } catch (err) {
    throw where ? invalidConfig((err as Error).message.replace('"sysctl"', `"${where}.sysctl"`)) : err;
  }
}

function nonNegative(n: number | undefined, key: string): number | undefined {
  if (n !== undefined && n < 0) throw invalidConfig(`${key} must not be negative, got ${n}`);
  return n;
}

/** The interface settings of one source (the plugin object, or args.cni). */
function linkKeys(raw: Raw, where: string) {
  const at = (k: string) => (where ? `${where}.${k}` : k);
  const read = <T>(k: string, f: (r: Raw, k: string) => T): T | undefined => {
    if (!present(raw, k)) return undefined;
    try {
      return f(raw, k);
    } catch (err) {
      throw where ? invalidConfig((err as Error).message.replace(`"${k}"`, `"${at(k)}"`)) : err;
    }
  };
  const mac = read('mac', (r, k) => optString(r, k));
  return {
    mac: mac ? normalizeMac(mac, at('mac')) : undefined,
    promisc: read('promisc', (r, k) => optBool(r, k, false)),
    // mtu 0 means "not set", as in the reference.
    mtu: nonNegative(read('mtu', (r, k) => optInt(r, k, 0)), at('mtu')) || undefined,
    allmulti: read('allmulti', (r, k) => optBool(r, k, false)),
    txQLen: nonNegative(read('txQLen', (r, k) => optInt(r, k, 0)), at('txQLen')),
  };
}

export function parseTuningConfig(raw: NetConf, cniArgs: string, stdin?: Buffer): TuningConf {
  const dups = stdin ? duplicateKeysOf(stdin.toString('utf8'), 'sysctl') : [];
  if (dups.length > 0) throw invalidConfig(`duplicated sysctl keys are not allowed: ${dups.map((k) => JSON.stringify(k)).join(', ')}`);

  const own = linkKeys(raw, '');
  const link: LinkTuning = { promisc: own.promisc ?? false };
  if (own.mac) link.mac = own.mac;
  if (own.mtu) link.mtu = own.mtu;
  if (own.allmulti !== undefined) link.allmulti = own.allmulti;
  if (own.txQLen !== undefined) link.txQLen = own.txQLen;

  const envMac = pickCniArgs(cniArgs, ['MAC']).MAC;
  if (envMac) link.mac = normalizeMac(envMac, 'CNI_ARGS MAC');
  const rtMac = raw.runtimeConfig?.mac;
  if (rtMac !== undefined && rtMac !== null && rtMac !== '') {
    if (typeof rtMac !== 'string') throw invalidConfig('runtimeConfig.mac must be a string');
    link.mac = normalizeMac(rtMac, 'runtimeConfig.mac');
  }

  const sysctl = new Map(sysctlMap(raw, ''));
  const cni = raw.args?.cni as Raw | undefined;
  if (cni !== undefined && cni !== null) {
    if (typeof cni !== 'object' || Array.isArray(cni)) throw invalidConfig('args.cni must be an object');
    for (const [k, v] of sysctlMap(cni, 'args.cni')) sysctl.set(k, v);
    const a = linkKeys(cni, 'args.cni');
    if (a.mac) link.mac = a.mac;
    if (a.promisc !== undefined) link.promisc = a.promisc;
    if (a.mtu !== undefined) link.mtu = a.mtu;
    else if (present(cni, 'mtu')) delete link.mtu; // args.cni.mtu: 0 unsets it
    if (a.allmulti !== undefined) link.allmulti = a.allmulti;
    if (a.txQLen !== undefined) link.txQLen = a.txQLen;
  }

  const dataDir = optString(raw, 'dataDir') || DEFAULT_DATA_DIR;
  return { ...raw, settings: { dataDir, sysctl: [...sysctl], link } };
}

/** True when ADD changes interface attributes (and so keeps a backup for DEL). */
export function changesLink(link: LinkTuning): boolean {
  return link.mac !== undefined || link.mtu !== undefined || link.promisc || link.allmulti !== undefined || link.txQLen !== undefined;
}
