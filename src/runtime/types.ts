/**
 * The runtime library's data model, after libcni: a network configuration list as loaded from
 * disk, the per-attachment runtime arguments, and what the result cache remembers.
 */
import type { Attachment, Result } from '../spec/types.js';

/** One plugin object of a list, parsed; `bytes` is its JSON text, the source for every request. */
export interface NetworkConfig {
  network: PluginConf;
  bytes: Buffer;
}

/** The keys of a plugin object the runtime itself reads; everything else is the plugin's. */
export interface PluginConf {
  type: string;
  /** Set on single-network configs (.conf); plugin objects inside a list normally have none. */
  name?: string;
  cniVersion?: string;
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

export interface NetworkConfigList {
  name: string;
  /** The version requests are made in: cniVersion, or the highest supported entry of cniVersions. */
  cniVersion: string;
  disableCheck: boolean;
  disableGC: boolean;
  loadOnlyInlinedPlugins: boolean;
  plugins: NetworkConfig[];
  /** The list's JSON text (the file, or the up-converted .conf); cached with each attachment. */
  bytes: Buffer;
}

/** Arguments of one attachment (libcni RuntimeConf). */
export interface RuntimeConf {
  containerId: string;
  netns: string;
  ifName: string;
  /** CNI_ARGS as ordered key/value pairs. */
  args?: [string, string][];
  /** Capability arguments; each plugin gets only those it declares in `capabilities`. */
  capabilityArgs?: Record<string, unknown>;
}

/** What one ADD produced, in both forms a caller may want. */
export interface AddResult {
  /** The spec version of `json`: the last plugin's answer, or the config's when it named none. */
  cniVersion: string;
  /** The result in that version, shaped as the reference prints it (what `cnitool add` shows). */
  json: Record<string, unknown>;
  /** The same result in the internal 1.1.0 shape, for reading. */
  result: Result;
}

/** A cached attachment (libcni NetworkAttachment). */
export interface NetworkAttachment {
  containerId: string;
  network: string;
  ifName: string;
  /** The list JSON that was in force at ADD time. */
  config: Buffer;
  netns?: string;
  cniArgs?: [string, string][];
  capabilityArgs?: Record<string, unknown>;
}

export interface GCArgs {
  /** Attachments still in use; every other cached attachment of the network is deleted. */
  validAttachments: Attachment[];
}

export interface VersionInfo {
  cniVersion: string;
  supportedVersions: string[];
}
