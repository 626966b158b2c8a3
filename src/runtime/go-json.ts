/**
 * JSON text as Go's encoding/json writes it, so files other CNI tools read (the result cache) and
 * plugin stdin match the reference library byte for byte: map keys sorted, and `<`, `>`, `&`,
 * U+2028, U+2029 escaped as \u003c... (Go's HTML-safe default). Numbers, other escapes and
 * struct-free layouts are already identical to JSON.stringify.
 */

/** Marshal like Go marshals a map[string]interface{}: every object's keys sorted. */
export function marshalSorted(value: unknown): string {
  return goEscape(JSON.stringify(sortKeys(value)));
}

/** Marshal keeping the key order given (a Go struct's field order), nested values as they are. */
export function marshalOrdered(value: unknown, indent?: number): string {
  return goEscape(JSON.stringify(value, null, indent));
}

/** A deep copy of a JSON value with every object's keys in sorted order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compareBytes)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/** Go sorts map keys by their UTF-8 bytes; code point order gives the same result. */
function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

const GO_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** These characters can only occur inside JSON strings, so a global replace is safe. */
function goEscape(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]!);
}
