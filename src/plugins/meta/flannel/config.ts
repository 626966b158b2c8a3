/**
 * flannel's own config: where flanneld's subnet.env is, where rendered delegate configs are kept,
 * the delegate (its keys are passed on as given), an optional IPAM section to complete, and
 * runtimeConfig to hand down. The delegate is checked here, before anything is read or written,
 * with the reference's messages.
 */
import { goField } from '../../../lib/go-fields.js';
import type { NetConf } from '../../../spec/types.js';
import { invalidConfig } from '../../../spec/errors.js';
import { optObject, optString } from '../../../lib/config-fields.js';

export const DEFAULT_SUBNET_FILE = '/run/flannel/subnet.env';
export const DEFAULT_DATA_DIR = '/var/lib/cni/flannel';

export interface FlannelSettings {
  subnetFile: string;
  dataDir: string;
  /** The user's delegate keys, untouched (a copy). */
  delegate: Record<string, unknown>;
  ipam?: Record<string, unknown>;
  runtimeConfig?: Record<string, unknown>;
  /** cniVersion exactly as written ('' when absent), copied to the delegate only when non-empty. */
  writtenCniVersion: string;
}

export interface FlannelConf extends NetConf {
  settings: FlannelSettings;
}

const has = (o: Record<string, unknown>, k: string) => Object.hasOwn(o, k);

function checkDelegate(d: Record<string, unknown>): void {
  if (has(d, 'type') && typeof d.type !== 'string') throw invalidConfig("'delegate' dictionary, if present, must have (string) 'type' field");
  if (has(d, 'name')) throw invalidConfig("'delegate' dictionary must not have 'name' field, it'll be set by flannel");
  if (has(d, 'ipam')) throw invalidConfig("'delegate' dictionary must not have 'ipam' field, it'll be set by flannel");
}

/** `stdin` is the config as received: skel fills in an absent cniVersion, the delegate must not get it. */
export function parseFlannelConfig(raw: NetConf, stdin: Buffer): FlannelConf {
  const delegate = { ...(optObject(raw, 'delegate') ?? {}) };
  checkDelegate(delegate);
  const ipam = optObject(raw, 'ipam');
  const runtimeConfig = optObject(raw, 'runtimeConfig');
  const settings: FlannelSettings = {
    subnetFile: optString(raw, 'subnetFile') || DEFAULT_SUBNET_FILE,
    dataDir: optString(raw, 'dataDir') || DEFAULT_DATA_DIR,
    delegate,
    ...(ipam ? { ipam: { ...ipam } } : {}),
    ...(runtimeConfig ? { runtimeConfig } : {}),
    writtenCniVersion: writtenCniVersion(stdin),
  };
  return { ...raw, settings };
}

function writtenCniVersion(stdin: Buffer): string {
  try {
    // Found as Go finds the struct field ("CNIVersion", "cniversion", ...).
    const v = goField(JSON.parse(stdin.toString('utf8')), 'cniVersion');
    return typeof v === 'string' ? v : '';
  } catch {
    return '';
  }
}
