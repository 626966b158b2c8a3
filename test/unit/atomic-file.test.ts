import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../../src/lib/atomic-file.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-atomic-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('replaces the file whole, mode 0600 by default or as given, no temporary left', () => {
  const f = path.join(dir, 'state.json');
  writeFileAtomic(f, 'old');
  writeFileAtomic(f, Buffer.from('new'), { fsync: true });
  assert.is(fs.readFileSync(f, 'utf8'), 'new');
  assert.is(fs.statSync(f).mode & 0o777, 0o600);
  writeFileAtomic(path.join(dir, 'open'), 'x', { mode: 0o644 });
  assert.is(fs.statSync(path.join(dir, 'open')).mode & 0o777, 0o644);
  assert.equal(fs.readdirSync(dir).sort(), ['open', 'state.json']);
});

test('a failed rename removes the temporary and keeps what was there', () => {
  const target = path.join(dir, 'a-directory');
  fs.mkdirSync(path.join(target, 'inside'), { recursive: true });
  assert.throws(() => writeFileAtomic(target, 'data'));
  assert.equal(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
  assert.ok(fs.statSync(target).isDirectory());
});

test.run();
