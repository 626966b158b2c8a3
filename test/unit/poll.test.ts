/** pollUntil: looks at once, then after short doubling pauses, and gives up at the deadline. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pollUntil } from '../../src/lib/poll.js';

test('resolves with the first defined answer, without pausing when it is there at once', async () => {
  let looks = 0;
  const t0 = Date.now();
  const got = await pollUntil(() => (++looks, 'up'), { timeoutMs: 1000 });
  assert.is(got, 'up');
  assert.is(looks, 1);
  assert.ok(Date.now() - t0 < 50);
});

test('looks again after short pauses: a state reached on the 5th look costs ~15 ms, not a fixed sleep', async () => {
  let looks = 0;
  const stamps: number[] = [];
  const got = await pollUntil(() => {
    stamps.push(Date.now());
    return ++looks === 5 ? looks : undefined;
  }, { timeoutMs: 5000 });
  assert.is(got, 5);
  // pauses 1, 2, 4, 8 ms: allow generous scheduling noise on a loaded machine, far below 50 ms.
  assert.ok(stamps[4]! - stamps[0]! < 400, `took ${stamps[4]! - stamps[0]!} ms`);
});

test('pauses never exceed the ceiling, and it gives up after the deadline with undefined', async () => {
  const stamps: number[] = [];
  const t0 = Date.now();
  const got = await pollUntil(() => void stamps.push(Date.now()), { timeoutMs: 120, maxPauseMs: 10 });
  assert.is(got, undefined);
  assert.ok(Date.now() - t0 >= 120);
  assert.ok(stamps.length >= 8, `only ${stamps.length} looks`);
});

test('an exception from a look propagates (e.g. the link vanished)', async () => {
  try {
    await pollUntil(() => {
      throw new Error('gone');
    }, { timeoutMs: 100 });
    assert.unreachable();
  } catch (err) {
    assert.is((err as Error).message, 'gone');
  }
});

test.run();
