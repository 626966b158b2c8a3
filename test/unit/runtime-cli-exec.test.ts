/** `cni exec`: cnitool-compatible arguments and environment, output, and error reporting. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import yargs from 'yargs';
import { execCommand } from '../../src/cli/commands/exec.js';
import { runExec } from '../../src/cli/commands/exec/run.js';
import { containerIdFor, parseCniArgsPairs, runtimeConfFrom } from '../../src/cli/commands/exec/runtime-args.js';
import { cleanup, readCalls, tempDir, writePlugin, writeResultPlugin } from '../fixtures/runtime/helpers.js';

const RESULT = '{"cniVersion":"1.0.0","interfaces":[{"name":"cni0","mac":"0a:58:0a:01:00:01"},{"name":"eth0","mac":"0a:58:0a:01:00:05","sandbox":"/var/run/netns/test"}],"ips":[{"interface":1,"address":"10.1.0.5/24","gateway":"10.1.0.1"}],"routes":[{"dst":"0.0.0.0/0","gw":"10.1.0.1"}],"dns":{"nameservers":["10.1.0.1"],"search":["example.com"]}}';

function setup() {
  const root = tempDir('cli');
  try {
    const conf = path.join(root, 'net.d');
    const bin = path.join(root, 'bin');
    const cache = path.join(root, 'cache');
    for (const d of [conf, bin]) mkdirSync(d, { recursive: true });
    writeFileSync(path.join(conf, '10-testnet.conflist'), JSON.stringify({
      cniVersion: '1.0.0', name: 'testnet', plugins: [{ type: 'fakebridge' }, { type: 'fakeportmap', capabilities: { portMappings: true } }],
    }));
    writeResultPlugin(bin, 'fakebridge', RESULT);
    writeResultPlugin(bin, 'fakeportmap', RESULT);
    const env = { PATH: process.env.PATH, NETCONFPATH: conf, CNI_PATH: bin };
    return { root, conf, bin, cache, env, done: () => cleanup(root) };
  } catch (err) {
    cleanup(root);
    throw err;
  }
}

test('container ID is cnitool-<first 20 hex digits of sha512(absolute netns path)>', () => {
  assert.is(containerIdFor('/var/run/netns/test'), 'cnitool-7b8a61d5d8e94d07cbe4');
  const cwd = process.cwd();
  try {
    process.chdir('/');
    const rt = runtimeConfFrom('tmp', {}, {});
    assert.equal([rt.netns, rt.containerId, rt.ifName], ['/tmp', 'cnitool-ef5be9a8d3d5337922f1', 'eth0']);
  } finally {
    process.chdir(cwd);
  }
});

test('environment like cnitool (CNI_IFNAME, CNI_ARGS, CAP_ARGS); options win over the environment', () => {
  const env = { CNI_IFNAME: 'net1', CNI_ARGS: 'IgnoreUnknown=1;A=B', CAP_ARGS: '{"portMappings":[]}' };
  const fromEnv = runtimeConfFrom('/run/netns/x', {}, env);
  assert.equal([fromEnv.ifName, fromEnv.args, fromEnv.capabilityArgs], ['net1', [['IgnoreUnknown', '1'], ['A', 'B']], { portMappings: [] }]);
  const fromOpts = runtimeConfFrom('/run/netns/x', { ifname: 'net2', containerId: 'mine', args: 'C=D', capArgs: '{"mac":"x"}' }, env);
  assert.equal([fromOpts.ifName, fromOpts.containerId, fromOpts.args, fromOpts.capabilityArgs], ['net2', 'mine', [['C', 'D']], { mac: 'x' }]);
  assert.throws(() => parseCniArgsPairs('A=B;C'), /invalid CNI_ARGS pair "C"/);
  assert.throws(() => parseCniArgsPairs('A=B=C'), /invalid CNI_ARGS pair "A=B=C"/);
  assert.throws(() => runtimeConfFrom('/x', { capArgs: '[1]' }, {}), /invalid CAP_ARGS: expected a JSON object/);
});

test('add prints a readable summary, --json the result as the plugin gave it; del clears the cache', async () => {
  const s = setup();
  try {
    const base = { network: 'testnet', netns: '/var/run/netns/test', cacheDir: s.cache };
    const summary = await runExec({ action: 'add', ...base }, { env: { ...s.env, CAP_ARGS: '{"portMappings":[{"hostPort":80,"containerPort":8080}]}' } });
    assert.match(summary, '[1] eth0  0a:58:0a:01:00:05, in /var/run/netns/test');
    assert.match(summary, '10.1.0.5/24 gateway 10.1.0.1 on eth0');
    assert.match(summary, '0.0.0.0/0 via 10.1.0.1');
    assert.match(summary, 'nameservers: 10.1.0.1');
    const cacheFile = path.join(s.cache, 'results', 'testnet-cnitool-7b8a61d5d8e94d07cbe4-eth0');
    assert.ok(existsSync(cacheFile));
    const calls = readCalls(s.bin).filter((c) => c.command === 'ADD');
    assert.equal(calls.map((c) => c.containerId), ['cnitool-7b8a61d5d8e94d07cbe4', 'cnitool-7b8a61d5d8e94d07cbe4']);
    assert.equal(calls[1]!.stdin.runtimeConfig, { portMappings: [{ hostPort: 80, containerPort: 8080 }] });

    await runExec({ action: 'del', ...base }, { env: s.env });
    assert.not.ok(existsSync(cacheFile));

    const json = await runExec({ action: 'add', ...base, ifname: 'net1', json: true }, { env: s.env });
    assert.is(json, `${JSON.stringify(JSON.parse(RESULT), null, 4)}\n`);
    await runExec({ action: 'check', ...base, ifname: 'net1' }, { env: s.env });
    assert.is(await runExec({ action: 'status', network: 'testnet' }, { env: s.env }), '');
  } finally {
    s.done();
  }
});

test('gc DELs every cached attachment of the network except --valid ones', async () => {
  const s = setup();
  try {
    for (const ns of ['/run/netns/a', '/run/netns/b']) await runExec({ action: 'add', network: 'testnet', netns: ns, cacheDir: s.cache }, { env: s.env });
    const keep = `${containerIdFor('/run/netns/a')}:eth0`;
    await runExec({ action: 'gc', network: 'testnet', cacheDir: s.cache, valid: [keep] }, { env: s.env });
    const dels = readCalls(s.bin).filter((c) => c.command === 'DEL');
    assert.equal([...new Set(dels.map((c) => c.netns))], ['/run/netns/b']);
  } finally {
    s.done();
  }
});

test('list shows loadable networks and the files that are not', async () => {
  const s = setup();
  try {
    writeFileSync(path.join(s.conf, '20-broken.conflist'), '{"name":"broken",');
    writeFileSync(path.join(s.conf, '30-dup.conf'), '{"name":"testnet","type":"x"}');
    const text = await runExec({ action: 'list' }, { env: s.env });
    assert.match(text, /NETWORK\s+VERSION\s+PLUGINS\s+FILE/);
    assert.match(text, /testnet\s+1\.0\.0\s+fakebridge,fakeportmap/);
    assert.match(text, '(unused: ');
    assert.match(text, `not loadable:\n  ${path.join(s.conf, '20-broken.conflist')}: error parsing configuration list:`);
    const json = JSON.parse(await runExec({ action: 'list', json: true }, { env: s.env })) as { name?: string; error?: string }[];
    assert.equal(json.map((e) => e.name ?? 'ERR'), ['testnet', 'ERR', 'testnet']);
  } finally {
    s.done();
  }
});

test('the command module reports errors as "cni exec: ..." with the plugin code and sets exitCode', async () => {
  const s = setup();
  const saved = { exitCode: process.exitCode, write: process.stderr.write, env: { ...process.env } };
  let stderr = '';
  try {
    writePlugin(s.bin, 'fakebridge', `printf '%s' '{"code":7,"msg":"bad bridge","details":"no name"}'; exit 1`);
    Object.assign(process.env, s.env);
    process.stderr.write = ((chunk: string) => {
      stderr += chunk;
      return true;
    }) as typeof process.stderr.write;
    await yargs(['exec', 'add', 'testnet', '/run/netns/x', '--cache-dir', s.cache]).command(execCommand).strict().parseAsync();
    assert.is(stderr, 'cni exec: plugin type="fakebridge" failed (add): bad bridge; no name (CNI error code 7)\n');
    assert.is(process.exitCode, 1);
    stderr = '';
    await yargs(['exec', 'add', 'nosuchnet', '/run/netns/x']).command(execCommand).parseAsync();
    assert.match(stderr, `cni exec: no net configuration with name "nosuchnet" in ${s.conf}`);
  } finally {
    process.stderr.write = saved.write;
    process.exitCode = saved.exitCode;
    for (const k of Object.keys(s.env)) if (!(k in saved.env)) delete process.env[k];
    Object.assign(process.env, saved.env);
    s.done();
  }
});

test.run();
