/**
 * Network configuration text -> NetworkConfigList, with libcni's rules (libcni/conf.go):
 * `cniVersions` entries newer than this library are dropped and the highest remaining version
 * wins; disableCheck/disableGC/loadOnlyInlinedPlugins accept a bool or "true"/"false"; every
 * plugin object needs a `type`. A single-plugin config (.conf) is up-converted to a list.
 * Key matching is Go's, as libcni decodes: the list's own keys are read from a map (exact keys:
 * `"Plugins"` is not `plugins`), a plugin object's name/type/cniVersion/capabilities from the
 * types.NetConf struct (case-insensitive, last variant wins; src/lib/go-fields.ts).
 */
import { CURRENT_VERSION } from '../../spec/types.js';
import { ConfigError, errorText } from '../errors.js';
import { marshalSorted } from '../go-json.js';
import type { NetworkConfig, NetworkConfigList, PluginConf } from '../types.js';
import { compareVersions } from '../../spec/version.js';
import { canonicalize } from '../../lib/go-fields.js';
import { PLUGIN_CONF_SHAPE } from '../../spec/netconf-shape.js';

const LIST_PREFIX = 'error parsing configuration list';
const PLUGIN_PREFIX = 'error parsing configuration';

/** Parse a configuration list (.conflist text). Plugins from `<dir>/<name>/` are added by the loader. */
export function networkConfFromBytes(bytes: Buffer): NetworkConfigList {
  const raw = parseObject(bytes, LIST_PREFIX);
  if (!('name' in raw)) throw new ConfigError(`${LIST_PREFIX}: no name`);
  if (typeof raw.name !== 'string') throw new ConfigError(`${LIST_PREFIX}: invalid name type ${jsonType(raw.name)}`);
  let cniVersion = '';
  if ('cniVersion' in raw) {
    if (typeof raw.cniVersion !== 'string') throw new ConfigError(`${LIST_PREFIX}: invalid cniVersion type ${jsonType(raw.cniVersion)}`);
    cniVersion = raw.cniVersion;
  }
  if ('cniVersions' in raw) cniVersion = pickVersion(raw.cniVersions, cniVersion);

  const list: NetworkConfigList = {
    name: raw.name,
    cniVersion,
    disableCheck: readBool(raw, 'disableCheck'),
    disableGC: readBool(raw, 'disableGC'),
    loadOnlyInlinedPlugins: readBool(raw, 'loadOnlyInlinedPlugins'),
    plugins: [],
    bytes,
  };

  // Without a `plugins` key the plugins may all come from <dir>/<name>/*.conf.
  if (!('plugins' in raw)) {
    if (list.loadOnlyInlinedPlugins) throw new ConfigError(`${LIST_PREFIX}: \`loadOnlyInlinedPlugins\` is true, and no 'plugins' key`);
    return list;
  }
  if (!Array.isArray(raw.plugins)) throw new ConfigError(`${LIST_PREFIX}: invalid 'plugins' type ${jsonType(raw.plugins)}`);
  if (raw.plugins.length === 0) throw new ConfigError(`${LIST_PREFIX}: no plugins in list`);
  list.plugins = raw.plugins.map((p, i) => {
    try {
      return pluginConfFromBytes(Buffer.from(marshalSorted(p)));
    } catch (err) {
      throw new ConfigError(`failed to parse plugin config ${i}: ${errorText(err)}`, { cause: err });
    }
  });
  return list;
}

/** Parse one plugin object (an entry of `plugins`, a <name>/*.conf file, or a whole .conf). */
export function pluginConfFromBytes(bytes: Buffer): NetworkConfig {
  const raw = canonicalize(parseObject(bytes, PLUGIN_PREFIX), PLUGIN_CONF_SHAPE);
  for (const key of ['type', 'name', 'cniVersion'] as const) {
    if (key in raw && typeof raw[key] !== 'string') {
      throw new ConfigError(`${PLUGIN_PREFIX}: "${key}" must be a string, got ${jsonType(raw[key])}`);
    }
  }
  if (!raw.type) throw new ConfigError(`${PLUGIN_PREFIX}: missing 'type'`);
  if ('capabilities' in raw && raw.capabilities !== null) {
    const caps = raw.capabilities;
    if (typeof caps !== 'object' || Array.isArray(caps) || Object.values(caps as object).some((v) => typeof v !== 'boolean')) {
      throw new ConfigError(`${PLUGIN_PREFIX}: "capabilities" must map names to true/false`);
    }
  }
  return { network: raw as PluginConf, bytes };
}

/** Up-convert a single-plugin config to a list of one, with the reference's list text. */
export function confListFromConf(conf: NetworkConfig): NetworkConfigList {
  const raw = parseObject(conf.bytes, PLUGIN_PREFIX);
  const listBytes = Buffer.from(marshalSorted({ name: conf.network.name ?? '', cniVersion: conf.network.cniVersion ?? '', plugins: [raw] }));
  return networkConfFromBytes(listBytes);
}

function parseObject(bytes: Buffer, prefix: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new ConfigError(`${prefix}: ${errorText(err)}`, { cause: err });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${prefix}: expected a JSON object, got ${jsonType(raw)}`);
  return raw as Record<string, unknown>;
}

/** The highest of cniVersions (plus cniVersion) that this library implements. */
function pickVersion(rawVersions: unknown, cniVersion: string): string {
  if (!Array.isArray(rawVersions)) throw new ConfigError(`${LIST_PREFIX}: invalid type for cniVersions: ${jsonType(rawVersions)}`);
  const usable: string[] = [];
  const keepIfSupported = (v: string, what: string) => {
    let newer: boolean;
    try {
      newer = compareVersions(v, CURRENT_VERSION) > 0;
    } catch (err) {
      throw new ConfigError(`${LIST_PREFIX}: invalid ${what}: ${errorText(err)}`, { cause: err });
    }
    if (!newer) usable.push(v);
  };
  rawVersions.forEach((v, i) => {
    if (typeof v !== 'string') throw new ConfigError(`${LIST_PREFIX}: invalid type for cniVersions index ${i}: ${jsonType(v)}`);
    keepIfSupported(v, `cniVersions entry ${v} at index ${i}`);
  });
  if (cniVersion !== '') keepIfSupported(cniVersion, `cniVersion ${cniVersion}`);
  usable.sort(compareVersions);
  return usable.at(-1) ?? cniVersion;
}

function readBool(raw: Record<string, unknown>, key: string): boolean {
  const v = raw[key];
  if (v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') throw new ConfigError(`${LIST_PREFIX}: invalid type ${jsonType(v)} for ${key}`);
  const s = v.toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  throw new ConfigError(`${LIST_PREFIX}: invalid value "${s}" for ${key}`);
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
