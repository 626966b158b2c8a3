/**
 * Every error class in src/ sets its own `name`. The executable is minified without keeping
 * function names (build.ts), so a class's constructor name is not its source name there: what logs
 * and messages show as an error's type is its `name` (src/log/pino-loader.cts; the executable's
 * log of one is checked in test/integration/flannel.test.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SRC, sourceFiles } from '../helpers/imports.js';

/** `class X extends ...Error {` bodies, by brace matching. */
function errorClasses(text: string): { name: string; body: string }[] {
  const out: { name: string; body: string }[] = [];
  for (const m of text.matchAll(/class (\w+) extends (\w*Error)\b[^{]*\{/g)) {
    let i = m.index! + m[0].length;
    for (let depth = 1; depth > 0 && i < text.length; i++) depth += text[i] === '{' ? 1 : text[i] === '}' ? -1 : 0;
    out.push({ name: m[1]!, body: text.slice(m.index! + m[0].length, i) });
  }
  return out;
}

test('every error class sets name to its own class name', () => {
  let seen = 0;
  for (const file of sourceFiles(SRC)) {
    for (const c of errorClasses(fs.readFileSync(file, 'utf8'))) {
      seen++;
      assert.match(c.body, new RegExp(`\\bname(: string)? = '${c.name}'`), `${path.relative(SRC, file)}: ${c.name} sets name = '${c.name}'`);
    }
  }
  assert.ok(seen > 40, `found the error classes (${seen})`);
});

test.run();
