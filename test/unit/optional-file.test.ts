import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readFileIfPresent, readdirEntriesIfPresent, readdirIfPresent } from '../../src/lib/optional-file.js';

async function scratch(fn: (dir: string) => void | Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-optional-'));
  try {
    await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('a file: its bytes or text; absent (also under a non-directory) is undefined; other errors throw', () =>
  scratch((dir) => {
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'x');
    assert.equal(readFileIfPresent(file), Buffer.from('x'));
    assert.is(readFileIfPresent(file, 'utf8'), 'x');
    assert.is(readFileIfPresent(path.join(dir, 'missing')), undefined);
    assert.is(readFileIfPresent(path.join(file, 'below-a-file'), 'utf8'), undefined);
    assert.throws(() => readFileIfPresent(dir), /EISDIR/);
  }));

test('a directory: its entries; absent is empty; a file in its place throws (ENOTDIR), as libcni fails there', async () => {
  await scratch(async (dir) => {
    fs.writeFileSync(path.join(dir, 'a'), '');
    assert.equal(readdirIfPresent(dir), ['a']);
    assert.equal(readdirIfPresent(path.join(dir, 'missing')), []);
    assert.throws(() => readdirIfPresent(path.join(dir, 'a')), /ENOTDIR/);
    assert.equal((await readdirEntriesIfPresent(dir)).map((e) => [e.name, e.isFile()]), [['a', true]]);
    assert.equal(await readdirEntriesIfPresent(path.join(dir, 'missing')), []);
    let failed: unknown;
    await readdirEntriesIfPresent(path.join(dir, 'a')).catch((err: unknown) => (failed = err));
    assert.is((failed as NodeJS.ErrnoException | undefined)?.code, 'ENOTDIR');
  });
});

test.run();
