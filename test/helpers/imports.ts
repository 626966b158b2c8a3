/** The relative-import graph of src/, read from the source text (for tests about its shape). */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SRC = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../src');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

export function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(full);
    return /\.(c|m)?ts$/.test(d.name) && !d.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Relative imports of a file, resolved to source files (type-only imports excluded). */
export function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    if (/^\s*(import|export)\s+type\s/.test(m[0].trimStart())) continue;
    const spec = (m[1] ?? m[2])!;
    const base = path.resolve(path.dirname(file), spec).replace(/\.(c|m)?js$/, '');
    const found = ['.ts', '.cts', '.mts', '/index.ts'].map((ext) => base + ext).find((f) => fs.existsSync(f));
    if (found) out.push(found);
  }
  return out;
}

/** Every source file `file` reaches through its imports, itself included. */
export function reachableFrom(file: string): Set<string> {
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const g of importsOf(f)) visit(g);
  };
  visit(file);
  return seen;
}
