/**
 * RawExec with the registry injected: a plugin whose file is this executable runs in-process and
 * is interpreted exactly like a child's output (result, CNI error, stderr copied on success); any
 * other file, or no registry, still runs as a process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RawExec, type ProcessOutcome } from '../../src/runtime/index.js';
import { pluginError } from '../../src/runtime/invoke/exec.js';
import { ownPluginRunner } from '../../src/cli/plugin-exec.js';
import { CniError } from '../../src/spec/errors.js';
import type { PluginDefinition, PluginEntry } from '../../src/skel/types.js';

const conf = Buffer.from(JSON.stringify({ cniVersion: '1.0.0', name: 'n', type: 'fake' }));
const env = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c', CNI_NETNS: '/run/netns/none', CNI_IFNAME: 'eth0', CNI_PATH: '/bin' };

function entry(add: PluginDefinition['add']): PluginEntry {
  const def: PluginDefinition = { name: 'fake', parseConfig: (raw) => raw, add, del: () => {}, check: () => {} };
  return { name: 'fake', kind: 'main', summary: 'fake', supportedVersions: ['1.0.0'], load: async () => def };
}

const sink = () => {
  const chunks: string[] = [];
  return { chunks, stream: { write: (b: Buffer | string) => void chunks.push(String(b)) } as unknown as NodeJS.WritableStream };
};

test('this executable + a registry entry for its name: runs in-process, no process started', async () => {
  const spawned: string[] = [];
  const err = sink();
  const exec = new RawExec({
    stderr: err.stream,
    inProcess: ownPluginRunner((name) => (name === 'fake' ? entry((_c, ctx) => (ctx.log.warn('a warning'), { cniVersion: '1.0.0', interfaces: [], ips: [], routes: [], dns: {} })) : undefined), (file) => file === '/opt/cni/bin/fake'),
    run: async (file) => (spawned.push(file), { status: 0, signal: null, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) }),
  });
  const out = JSON.parse((await exec.execPlugin('/opt/cni/bin/fake', conf, env)).toString());
  assert.is(out.cniVersion, '1.0.0');
  assert.equal(spawned, []);
  assert.match(err.chunks.join(''), /a warning/, 'a successful plugin\'s stderr (its logs) copied, as from a child');
});

test('a failing in-process plugin: the same PluginExecError a child printing that JSON gives', async () => {
  const exec = new RawExec({
    stderr: null,
    inProcess: ownPluginRunner(() => entry(() => {
      throw new CniError(11, 'try again', 'later');
    }), () => true),
  });
  const childLike: ProcessOutcome = { status: 1, signal: null, stdout: Buffer.from('{"cniVersion":"1.0.0","code":11,"msg":"try again","details":"later"}\n'), stderr: Buffer.alloc(0) };
  const want = pluginError('/opt/cni/bin/fake', childLike);
  try {
    await exec.execPlugin('/opt/cni/bin/fake', conf, env);
    assert.unreachable();
  } catch (e) {
    assert.is((e as Error).message, want.message);
    assert.is((e as { code?: number }).code, 11);
  }
});

test('not this executable, or no registry, or a name the registry does not serve: a process', async () => {
  for (const [opts, file] of [
    [{ inProcess: ownPluginRunner(() => entry(() => ({ cniVersion: '1.0.0', interfaces: [], ips: [], routes: [], dns: {} })), () => false) }, '/opt/cni/bin/fake'],
    [{}, '/opt/cni/bin/fake'],
    [{ inProcess: ownPluginRunner(() => undefined, () => true) }, '/opt/cni/bin/cni'],
  ] as const) {
    const spawned: string[] = [];
    const exec = new RawExec({ stderr: null, ...opts, run: async (f) => (spawned.push(f), { status: 0, signal: null, stdout: Buffer.from('{}'), stderr: Buffer.alloc(0) }) });
    await exec.execPlugin(file, conf, env);
    assert.equal(spawned, [file]);
  }
});

test.run();
