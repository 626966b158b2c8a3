/**
 * The JSON a plugin reads on stdin (libcni buildOneConfig / injectRuntimeConfig / InjectConf):
 * the plugin object with the list's `name` and `cniVersion`, `prevResult` when there is one,
 * and `runtimeConfig` holding only the capability arguments the plugin declared in
 * `capabilities` AND the runtime supplied. Keys are written sorted, as the reference does.
 */
import type { Attachment } from '../spec/types.js';
import { pluginConfFromBytes } from './conf/parse.js';
import { marshalSorted } from './go-json.js';
import type { NetworkConfig, RuntimeConf } from './types.js';

/** Overwrite top-level keys of a plugin object; undefined values are left out. */
export function injectConf(conf: NetworkConfig, values: Record<string, unknown>): NetworkConfig {
  const obj = JSON.parse(conf.bytes.toString('utf8')) as Record<string, unknown>;
  for (const [key, value] of Object.entries(values)) {
    if (key === '') throw new Error('keys cannot be empty');
    if (value !== undefined) obj[key] = value;
  }
  return pluginConfFromBytes(Buffer.from(marshalSorted(obj)));
}

/** The capability arguments this plugin gets: declared true by it and supplied by the runtime. */
export function runtimeConfigFor(conf: NetworkConfig, capabilityArgs: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [capability, enabled] of Object.entries(conf.network.capabilities ?? {})) {
    if (enabled && capabilityArgs && Object.hasOwn(capabilityArgs, capability)) out[capability] = capabilityArgs[capability];
  }
  return out;
}

/** Request for ADD, CHECK and DEL. */
export function buildRequest(
  name: string,
  cniVersion: string,
  conf: NetworkConfig,
  prevResult: Record<string, unknown> | undefined,
  rt: RuntimeConf,
): Buffer {
  const rc = runtimeConfigFor(conf, rt.capabilityArgs);
  // A plugin's own static runtimeConfig stays unless the runtime supplies something for it.
  const runtimeConfig = Object.keys(rc).length > 0 ? rc : undefined;
  return injectConf(conf, { name, cniVersion, prevResult, runtimeConfig }).bytes;
}

/** Request for GC: the attachments still valid, under both the current and the 1.1.0-era key. */
export function buildGCRequest(name: string, cniVersion: string, conf: NetworkConfig, validAttachments: Attachment[] | undefined): Buffer {
  const valid = validAttachments?.map(({ containerID, ifname }) => ({ containerID, ifname }));
  return injectConf(conf, { name, cniVersion, 'cni.dev/valid-attachments': valid, 'cni.dev/attachments': valid }).bytes;
}

/** Request for STATUS. */
export function buildStatusRequest(name: string, cniVersion: string, conf: NetworkConfig): Buffer {
  return injectConf(conf, { name, cniVersion }).bytes;
}
