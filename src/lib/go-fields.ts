/**
 * How Go's encoding/json finds a struct field for a JSON key, so configs written for the reference
 * plugins (which decode into Go structs) read the same here:
 *
 *  - a key is matched to the field whose name it equals exactly, else to the field whose name it
 *    equals after case folding (`"IPAM"`, `"Ipam"` fill `ipam`);
 *  - the keys of one object are applied in document order, each overwriting the field, so when two
 *    case variants of one field are present the LAST one in the document wins, whether or not it is
 *    the exact spelling (`{"ipam":A,"IPAM":B}` -> B; `{"IPAM":B,"ipam":A}` -> A);
 *  - keys that match no field are ignored; map-typed values (`capabilities`, a conflist's top level
 *    in libcni) keep exact keys.
 *
 * Folding is Go's `foldName` (encoding/json/fold.go): ASCII letters upper-cased, any other rune
 * replaced by the smallest rune of its Unicode simple-fold orbit, so U+212A KELVIN SIGN matches "k"
 * and U+017F LATIN SMALL LETTER LONG S matches "s", as in Go.
 *
 * JSON.parse keeps a repeated identical key at its first position (with the last value); only the
 * order of distinct spellings matters for the rule above, which JSON.parse preserves.
 */

type Obj = Record<string, unknown>;

/** Non-ASCII runes whose fold orbit reaches ASCII (the only ones that can match our ASCII field names). */
const FOLD_TO_ASCII: Readonly<Record<string, string>> = { '\u212a': 'K', '\u017f': 'S' };

/** Go's foldName: two keys match case-insensitively iff their folded forms are equal. */
export function foldName(name: string): string {
  let out = '';
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out += c >= 0x61 && c <= 0x7a ? String.fromCharCode(c - 0x20) : ch;
    else out += FOLD_TO_ASCII[ch] ?? smallestFold(ch);
  }
  return out;
}

/** The smallest member of {ch, lower, upper, upper(lower)}: the fold orbit for every rune whose orbit stays outside ASCII. */
function smallestFold(ch: string): string {
  let best = ch;
  for (const c of [ch.toLowerCase(), ch.toUpperCase(), ch.toLowerCase().toUpperCase()]) {
    if ([...c].length === 1 && c.codePointAt(0)! < best.codePointAt(0)!) best = c;
  }
  return best;
}

/** The key of `obj` whose value Go would decode into field `name` (last match in document order). */
export function goKey(obj: Obj, name: string): string | undefined {
  if (!isObject(obj)) return undefined;
  const folded = foldName(name);
  let found: string | undefined;
  for (const k of Object.keys(obj)) if (k === name || foldName(k) === folded) found = k;
  return found;
}

/** The value Go would decode into field `name` of a struct, undefined when no key matches. */
export function goField(obj: unknown, name: string): unknown {
  if (!isObject(obj)) return undefined;
  const k = goKey(obj, name);
  return k === undefined ? undefined : obj[k];
}

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Shapes: the Go types of the config sections every plugin shares, to canonicalise once.

/** A Go struct: its JSON field names, with the shape of each field's value where it is structured. */
export interface StructShape {
  kind: 'struct';
  fields: Readonly<Record<string, Shape | null>>;
}
export interface ListShape {
  kind: 'list';
  of: Shape;
}
/** A Go map: keys stay exactly as written; values have `of`'s shape. */
export interface MapShape {
  kind: 'map';
  of: Shape | null;
}
export type Shape = StructShape | ListShape | MapShape;

export const struct = (fields: Record<string, Shape | null>): StructShape => ({ kind: 'struct', fields });
export const list = (of: Shape): ListShape => ({ kind: 'list', of });
export const mapOf = (of: Shape | null = null): MapShape => ({ kind: 'map', of });

/**
 * Rename, in place, every key of `value` that Go would decode into a field of `shape` to that
 * field's exact name (the winning key's value kept, the losing variants removed), recursively.
 * Keys no field matches are left as they are (a plugin's own keys are found by its readers).
 * Values of the wrong JSON type are left for the readers to report.
 */
export function canonicalize<T>(value: T, shape: Shape): T {
  if (shape.kind === 'list') {
    if (Array.isArray(value)) for (const item of value) canonicalize(item, shape.of);
    return value;
  }
  if (!isObject(value)) return value;
  canonicalizeObject(value, shape);
  return value;
}

function canonicalizeObject(value: Obj, shape: StructShape | MapShape): void {
  if (shape.kind === 'map') {
    if (shape.of) for (const v of Object.values(value)) canonicalize(v, shape.of);
    return;
  }
  const exact = new Set(Object.keys(shape.fields));
  const byFold = new Map<string, string>();
  // Go's byFoldedName keeps the first field of a fold class.
  for (const f of exact) if (!byFold.has(foldName(f))) byFold.set(foldName(f), f);
  const matched = new Map<string, string[]>(); // field -> its keys, in document order
  for (const k of Object.keys(value)) {
    const field = exact.has(k) ? k : byFold.get(foldName(k));
    if (field !== undefined) matched.set(field, [...(matched.get(field) ?? []), k]);
  }
  for (const [field, keys] of matched) {
    const winner = value[keys.at(-1)!];
    for (const k of keys) delete value[k];
    value[field] = winner;
    const sub = shape.fields[field];
    if (sub) canonicalize(winner, sub);
  }
}
