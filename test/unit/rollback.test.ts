import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rollback } from '../../src/lib/rollback.js';

test('failure unwinds newest first and keeps the original error, even when a step fails', async () => {
  const done: string[] = [];
  const boom = new Error('boom');
  try {
    await Rollback.run(undefined, (rb) => {
      rb.defer('a', () => done.push('a'));
      rb.defer('b', () => {
        throw new Error('undo failed');
      });
      rb.defer('c', async () => done.push('c'));
      throw boom;
    });
    assert.unreachable();
  } catch (err) {
    assert.is(err, boom);
  }
  assert.equal(done, ['c', 'a']);
});

test('success commits: nothing is undone', async () => {
  const done: string[] = [];
  const out = await Rollback.run(undefined, (rb) => {
    rb.defer('a', () => done.push('a'));
    return 42;
  });
  assert.is(out, 42);
  assert.equal(done, []);
});

test.run();
