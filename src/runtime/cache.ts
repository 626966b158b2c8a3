/**
 * The result cache, in libcni's on-disk format so either library can DEL what the other ADDed:
 * `<cacheDir>/results/<network>-<containerID>-<ifName>` (dir 0700, file 0600) holding
 *   {"kind":"cniCacheV1","containerId":..,"config":"<base64 of the list JSON>","ifName":..,
 *    "networkName":..,"netns":..,"cniArgs":[["K","V"]],"capabilityArgs":{..},"result":{..}}
 * Fields in that order (Go struct order); netns, cniArgs, capabilityArgs and result are left out
 * when empty; nested objects have sorted keys (they are Go maps). Files of the "legacy" format
 * hold only the result.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { isObject } from '../lib/go-fields.js';
import { readdirEntriesIfPresent } from '../lib/optional-file.js';
import { CacheError, errorText } from './errors.js';
import { marshalOrdered, sortKeys } from './go-json.js';
import type { AddResult, NetworkAttachment, RuntimeConf } from './types.js';

export const DEFAULT_CACHE_DIR = '/var/lib/cni';
export const CACHE_KIND_V1 = 'cniCacheV1';

/** A cached result as stored: in the version the plugin answered, not yet converted. */
export interface CachedResult {
  cniVersion: string;
  json: Record<string, unknown>;
}

/** Everything a cache entry holds (the parsed form of one file). */
export interface CacheEntry extends NetworkAttachment {
  result?: Record<string, unknown>;
}

/** The exact file text for an entry. */
export function encodeCacheEntry(e: CacheEntry): string {
  const ordered: Record<string, unknown> = {
    kind: CACHE_KIND_V1,
    containerId: e.containerId,
    config: e.config.toString('base64'),
    ifName: e.ifName,
    networkName: e.network,
  };
  if (e.netns) ordered.netns = e.netns;
  if (e.cniArgs?.length) ordered.cniArgs = e.cniArgs.map(([k, v]) => [k, v]);
  if (e.capabilityArgs && Object.keys(e.capabilityArgs).length) ordered.capabilityArgs = sortKeys(e.capabilityArgs);
  if (e.result && Object.keys(e.result).length) ordered.result = sortKeys(e.result);
  return marshalOrdered(ordered);
}

/** Parse a cache file as cniCacheV1; undefined when it is not one (possibly a legacy file). */
export function decodeCacheEntry(text: string): CacheEntry | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(raw) || raw.kind !== CACHE_KIND_V1) return undefined;
  const str = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : raw[k] == null ? '' : undefined);
  const containerId = str('containerId');
  const ifName = str('ifName');
  const network = str('networkName');
  const netns = str('netns');
  const config = str('config');
  if ([containerId, ifName, network, netns, config].includes(undefined)) return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(config!) || config!.length % 4 !== 0) return undefined;
  const entry: CacheEntry = { containerId: containerId!, ifName: ifName!, network: network!, config: Buffer.from(config!, 'base64') };
  if (netns) entry.netns = netns;
  if (raw.cniArgs != null) {
    if (!Array.isArray(raw.cniArgs) || !raw.cniArgs.every(isStringPair)) return undefined;
    entry.cniArgs = raw.cniArgs.map(([k, v]) => [k, v] as [string, string]);
  }
  if (raw.capabilityArgs != null) {
    if (!isObject(raw.capabilityArgs)) return undefined;
    entry.capabilityArgs = raw.capabilityArgs;
  }
  if (raw.result != null) {
    if (!isObject(raw.result)) return undefined;
    entry.result = raw.result;
  }
  return entry;
}

export class ResultCache {
  constructor(readonly dir: string = DEFAULT_CACHE_DIR) {}

  get resultsDir(): string {
    return path.join(this.dir, 'results');
  }

  filePath(network: string, rt: Pick<RuntimeConf, 'containerId' | 'ifName'>): string {
    const parts = [network, rt.containerId, rt.ifName];
    if (parts.some((p) => p === '')) {
      throw new CacheError(`cache file path requires network name ("${network}"), container ID ("${rt.containerId}"), and interface name ("${rt.ifName}")`);
    }
    // The parts come from callers; none may step out of the results directory.
    if (parts.some((p) => p.includes('/') || p === '.' || p === '..')) throw new CacheError(`invalid cache key "${parts.join('-')}"`);
    return path.join(this.resultsDir, `${network}-${rt.containerId}-${rt.ifName}`);
  }

  /** Record a successful ADD (atomically: a crash leaves the old file or the new one, never half). */
  async write(result: AddResult, config: Buffer, network: string, rt: RuntimeConf): Promise<void> {
    const file = this.filePath(network, rt);
    const text = encodeCacheEntry({
      containerId: rt.containerId,
      ifName: rt.ifName,
      network,
      config,
      netns: rt.netns,
      cniArgs: rt.args,
      capabilityArgs: rt.capabilityArgs,
      result: result.json,
    });
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /**
   * The cached result; undefined when there is no cache file. Throws CacheError when the file
   * exists but holds no usable result (empty or corrupt after a crash).
   */
  async readResult(network: string, rt: RuntimeConf): Promise<CachedResult | undefined> {
    const text = await this.readText(network, rt);
    if (text === undefined) return undefined;
    const entry = decodeCacheEntry(text);
    let raw: unknown = entry ? entry.result : undefined;
    if (!entry) {
      try {
        raw = JSON.parse(text); // legacy format: the bare result
      } catch (err) {
        throw new CacheError(`failed to parse cached result of network "${network}": ${errorText(err)}`, { cause: err });
      }
    }
    const version = isObject(raw) ? raw.cniVersion : undefined;
    if (!isObject(raw) || typeof version !== 'string' || version === '') {
      throw new CacheError(`cached result of network "${network}" has no result with a cniVersion`);
    }
    return { cniVersion: version, json: raw };
  }

  /** The config and runtime arguments cached at ADD time (libcni GetNetworkListCachedConfig). */
  async readConfig(network: string, rt: RuntimeConf): Promise<{ config: Buffer; rt: RuntimeConf } | undefined> {
    const text = await this.readText(network, rt);
    if (text === undefined) return undefined;
    const entry = decodeCacheEntry(text);
    if (!entry) throw new CacheError(`cached network "${network}" config is not a ${CACHE_KIND_V1} entry`);
    const newRt: RuntimeConf = { ...rt, capabilityArgs: entry.capabilityArgs };
    if (entry.cniArgs) newRt.args = entry.cniArgs;
    return { config: entry.config, rt: newRt };
  }

  async remove(network: string, rt: RuntimeConf): Promise<void> {
    await rm(this.filePath(network, rt), { force: true });
  }

  /** Every cniCacheV1 attachment, optionally only those of one container; unreadable files skipped. */
  async attachments(containerId?: string): Promise<NetworkAttachment[]> {
    const names = (await readdirEntriesIfPresent(this.resultsDir)).map((e) => e.name).sort();
    const out: NetworkAttachment[] = [];
    for (const name of names) {
      if (name.startsWith('.')) continue; // our temporary files
      if (containerId) {
        const part = `-${containerId}-`;
        const pos = name.indexOf(part);
        if (pos <= 0 || pos + part.length >= name.length) continue;
      }
      let text: string;
      try {
        text = await readFile(path.join(this.resultsDir, name), 'utf8');
      } catch {
        continue;
      }
      const entry = decodeCacheEntry(text);
      if (!entry || (containerId && entry.containerId !== containerId) || !entry.ifName || !entry.network) continue;
      const { result: _result, ...attachment } = entry;
      out.push(attachment);
    }
    return out;
  }

  private async readText(network: string, rt: RuntimeConf): Promise<string | undefined> {
    try {
      return await readFile(this.filePath(network, rt), 'utf8');
    } catch (err) {
      if (err instanceof CacheError) throw err;
      return undefined; // like libcni: a cache that cannot be read is a cache that is not there
    }
  }
}

function isStringPair(v: unknown): v is [string, string] {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string';
}
