/**
 * CNI spec version strings: parsing, ordering and "at least" checks.
 * Rules follow the reference library (pkg/version): an empty version means 0.1.0, and a version
 * has one to three dot-separated non-negative integers ("1" = 1.0.0, "0.4" = 0.4.0).
 */
import { CniError, ErrorCode } from './errors.js';

export interface ParsedVersion {
  major: number;
  minor: number;
  patch: number;
}

/** The version an absent or empty `cniVersion` stands for. */
export const IMPLICIT_VERSION = '0.1.0';

const PART = /^\d+$/;

/** Parse a CNI version; throws CniError code 6 (decoding failure) naming the bad version. */
export function parseVersion(version: string): ParsedVersion {
  if (version === '') return { major: 0, minor: 1, patch: 0 };
  const parts = version.split('.');
  if (parts.length > 3) {
    throw new CniError(ErrorCode.DecodingFailure, `invalid version "${version}": too many parts`);
  }
  const nums = parts.map((p) => {
    if (!PART.test(p)) throw new CniError(ErrorCode.DecodingFailure, `invalid version "${version}": "${p}" is not a number`);
    return Number(p);
  });
  return { major: nums[0]!, minor: nums[1] ?? 0, patch: nums[2] ?? 0 };
}

/** Like parseVersion, but undefined instead of an error. */
export function tryParseVersion(version: string): ParsedVersion | undefined {
  try {
    return parseVersion(version);
  } catch {
    return undefined;
  }
}

export function isValidVersion(version: string): boolean {
  return tryParseVersion(version) !== undefined;
}

/** -1, 0 or 1 as a is older than, the same as, or newer than b. Throws on an invalid version. */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
  const x = parseVersion(a);
  const y = parseVersion(b);
  const d = x.major - y.major || x.minor - y.minor || x.patch - y.patch;
  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

/** True when `version` >= `min`. Throws CniError code 6 on an invalid version. */
export function versionAtLeast(version: string, min: string): boolean {
  return compareVersions(version, min) >= 0;
}

/** The newest of the given versions (invalid entries are skipped); undefined when none is valid. */
export function newestVersion(versions: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const v of versions) {
    if (!isValidVersion(v)) continue;
    if (best === undefined || compareVersions(v, best) > 0) best = v;
  }
  return best;
}
