/**
 * A plugin run in-process (src/invoke/in-process.ts) shares the runtime's process: whatever it does
 * wrong must not stay behind. A plugin that enters a container's netns and fails without leaving
 * it is moved back (the caller goes on in its own netns), and the environment of one run never
 * reaches the next run or process.env.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import { runInProcess } from '../../src/invoke/in-process.js';
import { createNamedNetns, deleteNamedNetns } from '../../src/lib/ns/index.js';
import { CLONE_NEWNET, setns } from '../../src/netlink/ffi/libc.js';
import type { PluginDefinition, PluginEntry } from '../../src/skel/types.js';
import { uniqueSuffix } from '../helpers/env.js';

const threadNetns = () => fs.statSync('/proc/thread-self/ns/net').ino;

function entry(name: string, add: PluginDefinition['add']): PluginEntry {
  const def: PluginDefinition = { name, parseConfig: (raw) => raw, add, del: () => {}, check: () => {} };
  return { name, kind: 'main', summary: 'test', supportedVersions: ['1.0.0'], load: async () => def };
}

const conf = Buffer.from(JSON.stringify({ cniVersion: '1.0.0', name: 'guard', type: 'guard' }));
const env = (extra: Record<string, string> = {}): Record<string, string> => ({ CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_NETNS: '/run/netns/x', CNI_IFNAME: 'eth0', CNI_PATH: '/nonexistent', ...extra });

test('a plugin that fails inside a container netns without leaving it: the thread is moved back, the error reported as usual', async () => {
  const name = `guard-${uniqueSuffix()}`;
  const nsPath = createNamedNetns(name);
  const home = threadNetns();
  try {
    const bad = entry('guard', () => {
      const fd = fs.openSync(nsPath, 'r');
      try {
        setns(fd, CLONE_NEWNET); // and never back: the bug the guard catches
      } finally {
        fs.closeSync(fd);
      }
      assert.is.not(threadNetns(), home, 'the plugin really is elsewhere');
      throw new Error('failed midway');
    });
    const out = await runInProcess(bad, conf, env(), undefined);
    assert.is(threadNetns(), home, 'back in the original netns');
    assert.is(out.status, 1);
    assert.match(out.stdout.toString(), /failed midway/);
    assert.match(out.stderr.toString(), /left this thread in another network namespace; moved back/);
  } finally {
    if (threadNetns() !== home) throw new Error('test left the thread in another netns');
    deleteNamedNetns(name);
  }
});

test('a plugin that behaves: nothing to restore, no note on stderr', async () => {
  const home = threadNetns();
  const ok = entry('guard', () => ({ cniVersion: '1.0.0', interfaces: [], ips: [], routes: [], dns: {} }));
  const out = await runInProcess(ok, conf, env(), undefined);
  assert.is(out.status, 0, out.stdout.toString());
  assert.is(out.stderr.toString(), '');
  assert.is(threadNetns(), home);
});

test('the environment of one run does not leak into the next one, nor into process.env', async () => {
  const seen: Record<string, string | undefined>[] = [];
  const spy = entry('guard', (_conf, ctx) => {
    seen.push({ ...ctx.env });
    ctx.env.CNI_LEAK = 'written by the plugin';
    return { cniVersion: '1.0.0', interfaces: [], ips: [], routes: [], dns: {} };
  });
  const before = { ...process.env };
  const first = env({ CNI_ARGS: 'K8S_POD_NAME=a', CNI_CONTAINERID: 'first' });
  await runInProcess(spy, conf, first, undefined);
  await runInProcess(spy, conf, env({ CNI_CONTAINERID: 'second' }), undefined);
  assert.is(seen[0]!.CNI_ARGS, 'K8S_POD_NAME=a');
  assert.is(seen[1]!.CNI_ARGS, undefined, 'CNI_ARGS of the first run is not in the second');
  assert.is(seen[1]!.CNI_LEAK, undefined, 'what the first plugin wrote into its env is gone');
  assert.is(seen[1]!.CNI_CONTAINERID, 'second');
  assert.is((first as Record<string, string | undefined>).CNI_LEAK, undefined, "the caller's env object is untouched");
  assert.equal({ ...process.env }, before, 'process.env untouched');
});

test.run();
