/**
 * The module graph of src/ has no import circle (static or dynamic imports): delegation lives in
 * src/invoke and gets the plugin registry injected, so skel and the plugins never import each
 * other round.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'node:path';
import { SRC, importsOf, sourceFiles } from '../helpers/imports.js';

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
