import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  delegateAdd, delegateCheck, delegateDel, delegateGc, delegateStatus, findInPath, shouldRunInProcess, type DelegateOptions, type InProcessRunner,
} from '../../src/skel/delegate.js';
import { runPlugin } from '../../src/skel/run.js';
import type { PluginContext, PluginEntry } from '../../src/skel/types.js';
import { CniError } from '../../src/spec/errors.js';
import { createLogger } from '../../src/log/logger.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `cni-delegate-${process.pid}-${Math.random().toString(36).slice(2, 8)}-`));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function mkdir(...parts: string[]): string {
  const d = path.join(tmp, ...parts);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

function caught(err: unknown): CniError {
  assert.instance(err, CniError);
  return err as CniError;
}

async function rejects(p: Promise<unknown>): Promise<CniError> {
  try {
    await p;
  } catch (err) {
    return caught(err);
  }
  throw new Error('expected a rejection');
}

// ---------------------------------------------------------------------------------------------
// findInPath

test('findInPath: first regular file, following symlinks, skipping directories and dangling links', () => {
  const empty = mkdir('find', 'empty');
  const withDir = mkdir('find', 'withdir');
  mkdir('find', 'withdir', 'ipam'); // a directory named like the plugin
  const dangling = mkdir('find', 'dangling');
  fs.symlinkSync(path.join(tmp, 'does-not-exist'), path.join(dangling, 'ipam'));
  const real = mkdir('find', 'real');
  fs.writeFileSync(path.join(real, 'cni'), '#!/bin/sh\n', { mode: 0o755 });
  const linked = mkdir('find', 'linked');
  fs.symlinkSync(path.join(real, 'cni'), path.join(linked, 'ipam'));
  const later = mkdir('find', 'later');
  fs.writeFileSync(path.join(later, 'ipam'), '');

  assert.is(findInPath('ipam', [empty, withDir, dangling, linked, later]), path.join(linked, 'ipam'));
  assert.is(findInPath('ipam', [later, linked]), path.join(later, 'ipam'));
});

test('findInPath errors (code 999, as the reference plain errors become)', () => {
  const a = mkdir('find2', 'a');
  let e = caught(tryCatch(() => findInPath('nope', [a, '/nonexistent-dir'])));
  assert.is(e.code, 999);
  assert.is(e.message, `failed to find plugin "nope" in path [${a} /nonexistent-dir]`);
  e = caught(tryCatch(() => findInPath('../bin/x', [a])));
  assert.is(e.message, 'invalid plugin name: ../bin/x');
  e = caught(tryCatch(() => findInPath('', [a])));
  assert.is(e.message, 'no plugin name provided');
  e = caught(tryCatch(() => findInPath('x', [])));
  assert.is(e.message, 'failed to find plugin "x" in path []');
});

function tryCatch(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

// ---------------------------------------------------------------------------------------------
// shouldRunInProcess

test('shouldRunInProcess: only inside the SEA and only for the same file', () => {
  const d = mkdir('same');
  const exe = path.join(d, 'cni');
  fs.writeFileSync(exe, '');
  fs.symlinkSync(exe, path.join(d, 'host-local'));
  const other = path.join(d, 'other');
  fs.writeFileSync(other, '');
  fs.symlinkSync(path.join(d, 'host-local'), path.join(d, 'two-hops'));

  assert.ok(shouldRunInProcess(path.join(d, 'host-local'), exe, true));
  assert.ok(shouldRunInProcess(path.join(d, 'two-hops'), exe, true));
  assert.ok(shouldRunInProcess(exe, path.join(d, 'host-local'), true));
  assert.not.ok(shouldRunInProcess(path.join(d, 'host-local'), exe, false));
  assert.not.ok(shouldRunInProcess(other, exe, true));
  assert.not.ok(shouldRunInProcess(path.join(d, 'missing'), exe, true));
});

// ---------------------------------------------------------------------------------------------
// Running delegates: a shell-script plugin (exec) and a fake entry (in-process) that behave alike.

const RECORD = mkdir('record');
const BIN = mkdir('bin');
fs.writeFileSync(
  path.join(BIN, 'fakeipam'),
  `#!/bin/sh
input=$(cat)
printf '%s' "$input" > "$RECORD_DIR/stdin.$CNI_COMMAND"
env > "$RECORD_DIR/env.$CNI_COMMAND"
echo "fakeipam says $CNI_COMMAND" >&2
case "$CNI_COMMAND" in
  ADD) printf '{"cniVersion":"0.3.1","ips":[{"version":"4","address":"10.0.0.9/24","gateway":"10.0.0.1"}],"routes":[{"dst":"0.0.0.0/0"}],"dns":{}}' ;;
  DEL) printf '{"code":11,"msg":"store locked","details":"try later"}'; exit 1 ;;
  CHECK) echo "only stderr" >&2; exit 3 ;;
  STATUS) exit 2 ;;
  GC) printf 'garbage'; exit 1 ;;
esac
`,
  { mode: 0o755 },
);
fs.writeFileSync(path.join(BIN, 'noversion'), `#!/bin/sh\ncat >/dev/null\nprintf '{"ip4":{"ip":"10.0.0.7/24"}}'\n`, { mode: 0o755 });

const CONF = JSON.stringify({ cniVersion: '0.3.1', name: 'net1', type: 'bridge', ipam: { type: 'fakeipam', subnet: '10.0.0.0/24' } });

function ctxFor(command: string): PluginContext {
  const env = { PATH: process.env.PATH, CNI_COMMAND: command, CNI_CONTAINERID: 'c1', CNI_NETNS: '/run/netns/x', CNI_IFNAME: 'eth0', CNI_PATH: `/nonexistent:${BIN}`, CNI_ARGS: 'IgnoreUnknown=1', RECORD_DIR: RECORD, CNI_LOG_LEVEL: 'silent' };
  return {
    args: { command: command as PluginContext['args']['command'], containerId: 'c1', netns: '/run/netns/x', ifName: 'eth0', args: 'IgnoreUnknown=1', path: ['/nonexistent', BIN], stdin: Buffer.from(CONF) },
    env,
    log: createLogger({ level: 'silent' }),
  };
}

function readEnvFile(command: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of fs.readFileSync(path.join(RECORD, `env.${command}`), 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}

const EXPECTED_RESULT = { cniVersion: '1.1.0', ips: [{ address: '10.0.0.9/24', gateway: '10.0.0.1' }], routes: [{ dst: '0.0.0.0/0' }], dns: {} };

test('exec: ADD passes the whole config and parent env with CNI_COMMAND, parses the result, forwards stderr', async () => {
  let stderr = '';
  const opts: DelegateOptions = { stderr: (s) => void (stderr += s) };
  // The parent here is a DEL rolling back: the delegate must see ADD.
  const result = await delegateAdd('fakeipam', CONF, ctxFor('DEL'), opts);
  assert.equal(result, EXPECTED_RESULT);
  assert.is(fs.readFileSync(path.join(RECORD, 'stdin.ADD'), 'utf8'), CONF);
  const env = readEnvFile('ADD');
  assert.is(env.get('CNI_COMMAND'), 'ADD');
  assert.is(env.get('CNI_CONTAINERID'), 'c1');
  assert.is(env.get('CNI_IFNAME'), 'eth0');
  assert.is(env.get('CNI_ARGS'), 'IgnoreUnknown=1');
  assert.is(env.get('CNI_PATH'), `/nonexistent:${BIN}`);
  assert.is(stderr, 'fakeipam says ADD\n');
});

test('exec: a result without cniVersion is read as the config version', async () => {
  const conf020 = JSON.stringify({ cniVersion: '0.2.0', name: 'net1', type: 'bridge' });
  assert.equal(await delegateAdd('noversion', Buffer.from(conf020), ctxFor('ADD')), { cniVersion: '1.1.0', ips: [{ address: '10.0.0.7/24' }], dns: {} });
});

test('exec: error JSON becomes a CniError with the delegate code, msg and details', async () => {
  const e = await rejects(delegateDel('fakeipam', CONF, ctxFor('DEL'), { stderr: () => {} }));
  assert.is(e.code, 11);
  assert.is(e.message, 'store locked');
  assert.is(e.details, 'try later');
});

test('exec: failures without error JSON are described', async () => {
  const quiet = { stderr: () => {} };
  let e = await rejects(delegateCheck('fakeipam', CONF, ctxFor('CHECK'), quiet));
  assert.is(e.code, 0);
  assert.is(e.message, 'delegated plugin "fakeipam" failed: "fakeipam says CHECK\\nonly stderr": exit status 3');
  e = await rejects(delegateStatus('fakeipam', CONF, ctxFor('STATUS'), quiet));
  assert.is(e.message, 'delegated plugin "fakeipam" failed: "fakeipam says STATUS": exit status 2');
  e = await rejects(delegateGc('fakeipam', CONF, ctxFor('GC'), quiet));
  assert.match(e.message, /^delegated plugin "fakeipam" failed \(exit status 1\) and its error output is not JSON: "garbage"/);
});

test('a delegate missing from CNI_PATH', async () => {
  const e = await rejects(delegateAdd('nosuch', CONF, ctxFor('ADD')));
  assert.is(e.code, 999);
  assert.is(e.message, `failed to find plugin "nosuch" in path [/nonexistent ${BIN}]`);
});

/** The same plugin as the shell script, as a registry entry run in-process. */
const fakeEntry: PluginEntry = {
  name: 'fakeipam',
  kind: 'ipam',
  summary: 'test double',
  supportedVersions: ['0.3.1', '1.0.0', '1.1.0'],
  load: async () => ({
    name: 'fakeipam',
    parseConfig: (raw) => raw,
    add: () => ({ cniVersion: '1.1.0', ips: [{ address: '10.0.0.9/24', gateway: '10.0.0.1' }], routes: [{ dst: '0.0.0.0/0' }] }),
    del: () => {
      throw new CniError(11, 'store locked', 'try later');
    },
    check: () => {},
  }),
};

test('in-process: same result and same errors as exec; env, stdin and stderr handled alike', async () => {
  const seen: { type: string; env: Record<string, string | undefined>; stdin: string }[] = [];
  const runner: InProcessRunner = (type, io) => {
    seen.push({ type, env: io.env, stdin: io.readStdin().toString() });
    io.stderr(`${type} says ${io.env.CNI_COMMAND}\n`);
    return runPlugin(fakeEntry, io);
  };
  let stderr = '';
  const opts: DelegateOptions = { inProcessRunner: runner, stderr: (s) => void (stderr += s) };

  const inProc = await delegateAdd('fakeipam', CONF, ctxFor('DEL'), opts);
  const viaExec = await delegateAdd('fakeipam', CONF, ctxFor('DEL'), { stderr: () => {} });
  assert.equal(inProc, viaExec);
  assert.equal(inProc, EXPECTED_RESULT);
  assert.is(stderr, 'fakeipam says ADD\n');
  assert.is(seen[0]!.type, 'fakeipam');
  assert.is(seen[0]!.env.CNI_COMMAND, 'ADD');
  assert.is(seen[0]!.env.CNI_CONTAINERID, 'c1');
  assert.is(seen[0]!.stdin, CONF);

  const e1 = await rejects(delegateDel('fakeipam', CONF, ctxFor('DEL'), opts));
  const e2 = await rejects(delegateDel('fakeipam', CONF, ctxFor('DEL'), { stderr: () => {} }));
  assert.equal([e1.code, e1.message, e1.details], [e2.code, e2.message, e2.details]);
  assert.equal([e1.code, e1.message, e1.details], [11, 'store locked', 'try later']);

  await delegateCheck('fakeipam', JSON.stringify({ ...JSON.parse(CONF), cniVersion: '1.0.0' }), ctxFor('CHECK'), opts);
});

test('in-process: the runner output goes through the same interpretation (exit code, empty stdout)', async () => {
  const silentFailure: InProcessRunner = async (_type, io) => {
    io.stderr('boom\n');
    return 1;
  };
  const e = await rejects(delegateDel('fakeipam', CONF, ctxFor('DEL'), { inProcessRunner: silentFailure, stderr: () => {} }));
  assert.is(e.message, 'delegated plugin "fakeipam" failed: "boom": exit status 1');
});

test.run();
