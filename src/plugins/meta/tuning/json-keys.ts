/**
 * Duplicate keys of one object in JSON text. JSON.parse keeps the last of duplicated keys
 * silently; the reference refuses a config whose `sysctl` map names a key twice, so the raw stdin
 * is scanned for that. A small scanner over already-valid JSON (skel parsed it first).
 */

/** Keys that occur more than once in the top-level object's member `member` (an object). */
export function duplicateKeysOf(text: string, member: string): string[] {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  /** Skip one value; for an object, report each key to `onKey` (with the value's start index). */
  const value = (onKey?: (k: string) => void): void => {
    ws();
    const c = text[i];
    if (c === '"') return void str();
    if (c === '{' || c === '[') {
      i++;
      ws();
      if (text[i] === (c === '{' ? '}' : ']')) return void i++;
      for (;;) {
        ws();
        if (c === '{') {
          const k = str();
          ws();
          i++; // ':'
          onKey?.(k);
        }
        value();
        ws();
        if (text[i++] !== ',') return;
      }
    }
    while (i < text.length && !',}] \t\r\n'.includes(text[i]!)) i++;
  };
  const seen = new Set<string>();
  const dups: string[] = [];
  ws();
  if (text[i] !== '{') return [];
  i++;
  ws();
  if (text[i] === '}') return [];
  for (;;) {
    ws();
    const k = str();
    ws();
    i++; // ':'
    ws();
    if (k === member && text[i] === '{') {
      value((key) => {
        if (seen.has(key)) dups.push(key);
        seen.add(key);
      });
    } else value();
    ws();
    if (text[i++] !== ',') break;
  }
  return dups;
}
