/**
 * Finding network configurations in a directory (libcni LoadNetworkConf): `*.conflist` files in
 * name order, then `*.conf`/`*.json` single-plugin files up-converted to lists. The first file
 * declaring the requested name wins. A list also gets the plugins in `<dir>/<name>/*.conf`
 * appended, unless it sets loadOnlyInlinedPlugins.
 *
 * Unlike libcni, a broken file does not stop the search for a network defined in a later file;
 * it is reported only when it declares the requested name or when the name is not found.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { readdirEntriesIfPresent } from '../../lib/optional-file.js';
import { ConfigError, ConfigFileError, errorText, NetworkNotFoundError, NoConfigsFoundError } from '../errors.js';
import type { NetworkConfig, NetworkConfigList } from '../types.js';
import { confListFromConf, networkConfFromBytes, pluginConfFromBytes } from './parse.js';

export const DEFAULT_CONF_DIR = '/etc/cni/net.d';
const LIST_EXTENSIONS = ['.conflist'];
const SINGLE_EXTENSIONS = ['.conf', '.json'];

/** One configuration file of a directory and what became of it. */
export interface NetworkFileEntry {
  file: string;
  /** The loaded list (single-plugin files already up-converted). */
  network?: NetworkConfigList;
  error?: ConfigFileError;
  /** Set when an earlier file declares the same name, so this one is never used. */
  shadowedBy?: string;
}

/** Files in `dir` (not descending) whose extension is one of `extensions`, sorted by name. */
export async function confFiles(dir: string, extensions: readonly string[]): Promise<string[]> {
  return (await readdirEntriesIfPresent(dir))
    .filter((e) => !e.isDirectory() && extensions.includes(path.extname(e.name)))
    .map((e) => e.name)
    .sort()
    .map((name) => path.join(dir, name));
}

/** Read a .conflist file and append the plugins of `<dir>/<name>/*.conf`. */
export async function networkConfFromFile(file: string): Promise<NetworkConfigList> {
  const list = networkConfFromBytes(await readConfigFile(file));
  if (!list.loadOnlyInlinedPlugins) list.plugins.push(...(await pluginConfsFromDir(path.dirname(file), list.name)));
  // Zero plugins is not wrong in itself, but nothing could be run: report it.
  if (list.plugins.length === 0) throw new ConfigError('no plugin configs found');
  return list;
}

/** The plugin objects in `<confDir>/<network>/*.conf`, in file name order. */
export async function pluginConfsFromDir(confDir: string, network: string): Promise<NetworkConfig[]> {
  const dir = path.join(confDir, network);
  let files: string[];
  try {
    files = await confFiles(dir, ['.conf']);
  } catch (err) {
    throw new ConfigError(`failed to read plugin config files in ${dir}: ${errorText(err)}`, { cause: err });
  }
  const out: NetworkConfig[] = [];
  for (const file of files) out.push(pluginConfFromBytes(await readConfigFile(file)));
  return out;
}

/** Read a single-plugin .conf/.json file as a list of one. */
export async function confListFromFile(file: string): Promise<NetworkConfigList> {
  return confListFromConf(pluginConfFromBytes(await readConfigFile(file)));
}

/** Load the network called `name` from `dir`. */
export async function loadNetworkList(dir: string, name: string): Promise<NetworkConfigList> {
  const lists = await confFiles(dir, LIST_EXTENSIONS);
  const singles = await confFiles(dir, SINGLE_EXTENSIONS);
  if (lists.length === 0 && singles.length === 0) throw new NoConfigsFoundError(dir);
  const unreadable: ConfigFileError[] = [];
  for (const [files, load] of [[lists, networkConfFromFile], [singles, confListFromFile]] as const) {
    for (const file of files) {
      const entry = await loadEntry(file, load);
      if (entry.network?.name === name) return entry.network;
      if (entry.error?.network === name) throw entry.error;
      if (entry.error) unreadable.push(entry.error);
    }
  }
  throw new NetworkNotFoundError(dir, name, unreadable);
}

/** Every configuration file of `dir` in load order, each with its network or its error. */
export async function listNetworks(dir: string): Promise<NetworkFileEntry[]> {
  const entries: NetworkFileEntry[] = [];
  for (const file of await confFiles(dir, LIST_EXTENSIONS)) entries.push(await loadEntry(file, networkConfFromFile));
  for (const file of await confFiles(dir, SINGLE_EXTENSIONS)) entries.push(await loadEntry(file, confListFromFile));
  const firstByName = new Map<string, string>();
  for (const e of entries) {
    const name = e.network?.name ?? e.error?.network;
    if (name === undefined) continue;
    const first = firstByName.get(name);
    if (first === undefined) firstByName.set(name, e.file);
    else e.shadowedBy = first;
  }
  return entries;
}

async function loadEntry(file: string, load: (file: string) => Promise<NetworkConfigList>): Promise<NetworkFileEntry> {
  try {
    return { file, network: await load(file) };
  } catch (err) {
    return { file, error: new ConfigFileError(file, err, await declaredName(file)) };
  }
}

async function readConfigFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new ConfigError(`error reading ${file}: ${errorText(err)}`, { cause: err });
  }
}

/** The `name` a broken file declares, if it is JSON enough to tell. */
async function declaredName(file: string): Promise<string | undefined> {
  try {
    const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
    const name = (raw as { name?: unknown } | null)?.name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}
