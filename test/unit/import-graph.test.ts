/**
 * The module graph of src/ has no import circle (static or dynamic imports): delegation lives in
 * src/invoke and gets the plugin registry injected, so skel and the plugins never import each
 * other round.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../src');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(full);
    return /\.(c|m)?ts$/.test(d.name) && !d.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Relative imports of a file, resolved to source files (type-only imports excluded). */
function importsOf(file: string): string[] {
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

export function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 'open') return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of graph.keys()) {
    if (!state.has(n)) {
      const c = visit(n);
      if (c) return c;
    }
  }
  return undefined;
}

test('the cycle finder finds a circle and accepts a tree', () => {
  assert.equal(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), ['a', 'b', 'c', 'a']);
  assert.is(findCycle(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]])), undefined);
});

test('src/ has no import circle', () => {
  const graph = new Map(sourceFiles(SRC).map((f) => [f, importsOf(f)]));
  assert.ok(graph.size > 50, 'parsed the source tree');
  const cycle = findCycle(graph);
  assert.is(cycle?.map((f) => path.relative(SRC, f)).join(' -> '), undefined);
});

test.run();
