/**
 * Typed reads of optional config keys. Keys are found as Go's encoding/json finds a struct field
 * (src/lib/go-fields.ts: exact or case-insensitive, the last variant in the document wins), so
 * `"IsGateway"` or `"ipmasq"` read as in the reference. JSON null counts as absent (Go's json leaves
 * the default); a value of the wrong type is code 7 naming the key, like the reference's
 * "failed to load netconf".
 */
import { invalidConfig } from '../spec/errors.js';
import { goField, isObject } from './go-fields.js';

type Raw = Record<string, unknown>;

function wrongType(key: string, want: string, v: unknown): never {
  throw invalidConfig(`failed to load netconf: "${key}" must be ${want}, got ${JSON.stringify(v)}`);
}

/** The raw value of `key` (Go's key matching), undefined when absent or null. */
export function optValue(raw: Raw, key: string): unknown {
  const v = goField(raw, key);
  return v === null ? undefined : v;
}

export function present(raw: Raw, key: string): boolean {
  return optValue(raw, key) !== undefined;
}

/** An optional JSON object (a Go struct or map field). */
export function optObject(raw: Raw, key: string): Record<string, unknown> | undefined {
  const v = optValue(raw, key);
  if (v === undefined) return undefined;
  return isObject(v) ? v : wrongType(key, 'an object', v);
}

export function optBool(raw: Raw, key: string, dflt: boolean): boolean {
  const v = optValue(raw, key);
  if (v === undefined) return dflt;
  return typeof v === 'boolean' ? v : wrongType(key, 'a boolean', v);
}

export function optInt(raw: Raw, key: string, dflt: number): number {
  const v = optValue(raw, key);
  if (v === undefined) return dflt;
  return typeof v === 'number' && Number.isInteger(v) ? v : wrongType(key, 'an integer', v);
}

export function optString(raw: Raw, key: string): string | undefined {
  const v = optValue(raw, key);
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : wrongType(key, 'a string', v);
}

export function optStringArray(raw: Raw, key: string): string[] | undefined {
  const v = optValue(raw, key);
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) wrongType(key, 'an array of strings', v);
  return v as string[];
}

/** A non-negative integer (Go's uint64 fields), at most 2^53 - 1 (what a JSON number holds exactly). */
export function optUint(raw: Raw, key: string, dflt: number): number {
  const v = optValue(raw, key);
  if (v === undefined) return dflt;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  return wrongType(key, `a non-negative integer up to ${Number.MAX_SAFE_INTEGER}`, v);
}

/** An object whose values are all strings (a Go map[string]string), e.g. tuning's `sysctl`. */
export function optStringMap(raw: Raw, key: string): Record<string, string> | undefined {
  const v = optValue(raw, key);
  if (v === undefined) return undefined;
  if (!isObject(v) || Object.values(v).some((s) => typeof s !== 'string')) wrongType(key, 'an object of strings', v);
  return v as Record<string, string>;
}
