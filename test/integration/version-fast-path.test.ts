/**
 * VERSION is answered by the executable's entry from a line made at build time, without running
 * the bundle: it must be byte for byte what skel prints, for every plugin, under either name form
 * (symlink, `cni <plugin>`); anything that is not a plugin still reaches the CLI.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { CNI_BINARY } from '../helpers/env.js';
import { CniBinDir } from '../helpers/cni.js';
import { PLUGINS } from '../../src/plugins/registry.js';
import { runPlugin } from '../../src/skel/run.js';

/** What skel itself prints for VERSION (the slow path, from source). */
async function skelVersion(name: string): Promise<string> {
  const entry = PLUGINS.find((p) => p.name === name)!;
  let out = '';
  const code = await runPlugin(entry, { env: { CNI_COMMAND: 'VERSION' }, readStdin: () => Buffer.alloc(0), stdout: (s) => void (out += s), stderr: () => {} });
  assert.is(code, 0);
  return out;
}

test('every plugin: VERSION through its symlink and as `cni <plugin>` is exactly skel\'s answer', async () => {
  const bin = new CniBinDir();
  try {
    for (const p of PLUGINS) {
      const want = await skelVersion(p.name);
      const viaLink = spawnSync(path.join(bin.dir, p.name), [], { env: { CNI_COMMAND: 'VERSION' }, encoding: 'utf8' });
      assert.is(viaLink.status, 0, viaLink.stderr);
      assert.is(viaLink.stdout, want, `${p.name} via symlink`);
      assert.is(viaLink.stderr, '');
      const viaArg = spawnSync(CNI_BINARY, [p.name], { env: { CNI_COMMAND: 'VERSION' }, encoding: 'utf8' });
      assert.is(viaArg.stdout, want, `cni ${p.name}`);
    }
  } finally {
    bin.dispose();
  }
});

test('with CNI_COMMAND=VERSION, plain `cni` is still the command-line tool', () => {
  const r = spawnSync(CNI_BINARY, ['plugins'], { env: { CNI_COMMAND: 'VERSION' }, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /bridge/);
  assert.not.match(r.stdout, /supportedVersions/);
});

test.run();
