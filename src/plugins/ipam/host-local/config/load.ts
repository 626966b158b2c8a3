/**
 * host-local's config loader (the reference's LoadIPAMConfig): merges range sources, validates
 * every range and set, rejects overlapping sets, collects requested addresses. Every problem is
 * CniError code 7 (CNI_ARGS problems are code 4) with the reference's text where it has one and
 * the field's JSON path in details.
 */
import { invalidConfig, invalidField } from '../../../../spec/errors.js';
import type { NetConf } from '../../../../spec/types.js';
import { versionAtLeast } from '../../../../spec/version.js';
import { parseRoutes } from '../../../../lib/ip/index.js';
import type { Command } from '../../../../skel/types.js';
import { canonicalizeRangeSet, rangeSetFamily, rangeSetsOverlap } from './range-set.js';
import { requestedIps } from './requested-ips.js';
import { DEFAULT_DATA_DIR, type HostLocalConf, type HostLocalIpam, type RangeSet } from './types.js';

interface RawRangeSet {
  raw: unknown;
  path: string;
}

const LEGACY_RANGE_KEYS = ['subnet', 'rangeStart', 'rangeEnd', 'gateway'] as const;

function ipamObject(conf: NetConf): Record<string, unknown> {
  const ipam = conf.ipam as unknown;
  if (typeof ipam !== 'object' || ipam === null || Array.isArray(ipam)) throw invalidConfig("IPAM config missing 'ipam' key");
  return ipam as Record<string, unknown>;
}

function optionalString(obj: Record<string, unknown>, key: string, path: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw invalidConfig(`${path}: expected a string`);
  return v;
}

/** runtimeConfig.ipRanges, then the legacy top-level range (if it has a subnet), then ipam.ranges. */
function rawRangeSets(conf: NetConf, ipam: Record<string, unknown>): RawRangeSet[] {
  const list = (raw: unknown, path: string): RawRangeSet[] => {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) throw invalidConfig(`${path}: expected an array of range sets`);
    return raw.map((set, i) => ({ raw: set, path: `${path}[${i}]` }));
  };
  const legacy: RawRangeSet[] = [];
  if (ipam.subnet !== undefined && ipam.subnet !== null && ipam.subnet !== '') {
    const range = Object.fromEntries(LEGACY_RANGE_KEYS.map((k) => [k, ipam[k]]));
    legacy.push({ raw: [range], path: 'ipam' });
  }
  return [...list(conf.runtimeConfig?.ipRanges, 'runtimeConfig.ipRanges'), ...legacy, ...list(ipam.ranges, 'ipam.ranges')];
}

function validateRangeSets(raw: RawRangeSet[], cniVersion: string): RangeSet[] {
  if (raw.length === 0) throw invalidField('no IP ranges specified', 'ipam.ranges');
  // The legacy range's fields sit directly under "ipam": its details read "field ipam.subnet".
  const sets = raw.map(({ raw: set, path }, i) => (path === 'ipam' ? canonicalizeRangeSet(set, path, i, () => path) : canonicalizeRangeSet(set, path, i)));
  const perFamily = { 4: 0, 6: 0 };
  for (const set of sets) perFamily[rangeSetFamily(set)]++;
  if ((perFamily[4] > 1 || perFamily[6] > 1) && !versionAtLeast(cniVersion, '0.3.0')) {
    throw invalidConfig(`CNI version ${cniVersion} does not support more than 1 address per family`);
  }
  for (let i = 0; i < sets.length; i++) {
    for (let j = i + 1; j < sets.length; j++) {
      if (rangeSetsOverlap(sets[i]!, sets[j]!)) {
        throw invalidField(`range set ${i} overlaps with ${j}`, raw[i]!.path, raw[j]!.path);
      }
    }
  }
  return sets;
}

export interface LoadOptions {
  command: Command;
  /** Raw CNI_ARGS. */
  cniArgs: string;
}

/**
 * DEL only needs the store location: it parses leniently so that a config which no longer
 * validates (ranges edited since ADD) still releases its addresses.
 */
export function loadHostLocalConfig(conf: NetConf, opts: LoadOptions): HostLocalConf {
  const ipam = ipamObject(conf);
  const dataDir = optionalString(ipam, 'dataDir', 'ipam.dataDir') ?? DEFAULT_DATA_DIR;
  if (opts.command === 'DEL') {
    return { ...conf, hostLocal: { rangeSets: [], routes: [], dataDir, requestedIps: [] } };
  }
  const hostLocal: HostLocalIpam = {
    rangeSets: validateRangeSets(rawRangeSets(conf, ipam), conf.cniVersion ?? ''),
    routes: parseRoutes(ipam.routes, 'ipam.routes'),
    dataDir,
    resolvConf: optionalString(ipam, 'resolvConf', 'ipam.resolvConf'),
    requestedIps: opts.command === 'ADD' ? requestedIps(conf, opts.cniArgs) : [],
  };
  return { ...conf, hostLocal };
}
