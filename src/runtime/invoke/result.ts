/**
 * Reading what a plugin printed on ADD (pkg/invoke ExecPluginWithResult): a result without a
 * cniVersion is taken to be in the request's version; it is then shaped as the reference's typed
 * result would print it (unknown keys and empty fields dropped) and read into the internal shape.
 */
import { CniError, ErrorCode } from '../../spec/errors.js';
import { formatResult, parseResult } from '../../spec/convert.js';
import type { AddResult } from '../types.js';

export function decodeResult(stdout: Buffer, requestVersion: string): AddResult {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout.toString('utf8'));
  } catch (err) {
    throw new CniError(ErrorCode.DecodingFailure, `failed to decode plugin result: ${(err as Error).message}`, undefined, { cause: err });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new CniError(ErrorCode.DecodingFailure, 'failed to decode plugin result: not a JSON object');
  }
  const declared = (raw as { cniVersion?: unknown }).cniVersion;
  const cniVersion = typeof declared === 'string' && declared !== '' ? declared : requestVersion;
  return resultFromJson(raw as Record<string, unknown>, cniVersion);
}

/** Build an AddResult from a result object in `cniVersion` (a plugin's answer or a cached one). */
export function resultFromJson(raw: Record<string, unknown>, cniVersion: string): AddResult {
  const result = parseResult(raw, cniVersion);
  let json: Record<string, unknown>;
  try {
    json = formatResult(result, cniVersion) as unknown as Record<string, unknown>;
  } catch {
    // 0.1.0/0.2.0 results may legitimately carry no address (loopback); keep them as given.
    json = { ...raw, cniVersion };
  }
  return { cniVersion, json, result };
}

/** The same result expressed in another spec version (a cached result for a changed config). */
export function convertAddResult(r: AddResult, toVersion: string): AddResult {
  if (r.cniVersion === toVersion) return r;
  return { cniVersion: toVersion, json: formatResult(r.result, toVersion) as unknown as Record<string, unknown>, result: r.result };
}
