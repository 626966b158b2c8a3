import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isThisExecutable } from '../../src/invoke/own.js';

/** A symlink to this process's executable (plain node here, not the SEA), and one to another file. */
function links(): { dir: string; self: string; other: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-own-'));
  const self = path.join(dir, 'bridge');
  const other = path.join(dir, 'loopback');
  fs.symlinkSync(process.execPath, self);
  fs.writeFileSync(path.join(dir, 'target'), '');
  fs.symlinkSync(path.join(dir, 'target'), other);
  return { dir, self, other };
}

test('outside the SEA a symlink to node is not one of our plugins; the build warm-up (CNI_WARMUP_IN_PROCESS=1) makes it one', () => {
  const { dir, self, other } = links();
  const saved = process.env.CNI_WARMUP_IN_PROCESS;
  try {
    delete process.env.CNI_WARMUP_IN_PROCESS;
    assert.is(isThisExecutable(self), false);
    process.env.CNI_WARMUP_IN_PROCESS = '1';
    assert.is(isThisExecutable(self), true);
    assert.is(isThisExecutable(other), false, 'another file is never this executable');
    assert.is(isThisExecutable(path.join(dir, 'missing')), false);
  } finally {
    if (saved === undefined) delete process.env.CNI_WARMUP_IN_PROCESS;
    else process.env.CNI_WARMUP_IN_PROCESS = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
