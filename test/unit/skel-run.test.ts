import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runPlugin, type PluginIO } from '../../src/skel/run.js';
import type { PluginContext, PluginDefinition, PluginEntry } from '../../src/skel/types.js';
import { CniError } from '../../src/spec/errors.js';
import type { NetConf, Result } from '../../src/spec/types.js';

interface Harness {
  entry: PluginEntry;
  calls: { verb: string; conf: NetConf; ctx: PluginContext }[];
  loads: number;
}

/** A fake plugin whose verbs record their calls and behave as `impl` says. */
function fakePlugin(impl: Partial<PluginDefinition> = {}, supportedVersions: readonly string[] = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0']): Harness {
  const h: Harness = { calls: [], loads: 0, entry: undefined as unknown as PluginEntry };
  const record = (verb: string) => (conf: NetConf, ctx: PluginContext) => void h.calls.push({ verb, conf, ctx });
  const def: PluginDefinition = {
    name: 'fake',
    parseConfig: (raw) => raw,
    add: (conf, ctx) => {
      record('add')(conf, ctx);
      return RESULT;
    },
    del: record('del'),
    check: record('check'),
    status: record('status'),
    gc: record('gc'),
    ...impl,
  };
  h.entry = {
    name: 'fake',
    kind: 'main',
    summary: 'test double',
    supportedVersions,
    load: async () => {
      h.loads++;
      return def;
    },
  };
  return h;
}

const RESULT: Result = {
  cniVersion: '1.1.0',
  interfaces: [{ name: 'eth0', mac: '0a:00:00:00:00:01', mtu: 1500, sandbox: '/run/netns/x' }],
  ips: [{ interface: 0, address: '10.0.0.2/24', gateway: '10.0.0.1' }],
  routes: [{ dst: '0.0.0.0/0', gw: '10.0.0.1', table: 10 }],
  dns: {},
};

const ENV = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_NETNS: '/run/netns/x', CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin', CNI_LOG_LEVEL: 'silent' };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  stdinReads: number;
}

async function run(h: Harness, env: Record<string, string | undefined>, stdin: string | object = ''): Promise<Run> {
  const r: Run = { code: -1, stdout: '', stderr: '', stdinReads: 0 };
  const bytes = Buffer.from(typeof stdin === 'string' ? stdin : JSON.stringify(stdin));
  const io: PluginIO = {
    env,
    readStdin: () => {
      r.stdinReads++;
      return bytes;
    },
    stdout: (s) => void (r.stdout += s),
    stderr: (s) => void (r.stderr += s),
  };
  r.code = await runPlugin(h.entry, io);
  return r;
}

const conf = (extra: Record<string, unknown> = {}) => ({ cniVersion: '1.0.0', name: 'net1', type: 'fake', ...extra });
const errorOut = (r: Run) => JSON.parse(r.stdout) as { cniVersion?: string; code: number; msg: string; details?: string };

test('VERSION: exact answer, no plugin load, no stdin read', async () => {
  const h = fakePlugin({}, ['0.3.1', '0.4.0', '1.0.0']);
  const r = await run(h, { CNI_COMMAND: 'VERSION' }, '{"cniVersion":"0.4.0"}');
  assert.is(r.code, 0);
  assert.is(r.stdout, '{"cniVersion":"1.1.0","supportedVersions":["0.3.1","0.4.0","1.0.0"]}\n');
  assert.is(h.loads, 0);
  assert.is(r.stdinReads, 0);
});

test('no CNI_COMMAND: about text on stderr, exit 0, nothing on stdout', async () => {
  const h = fakePlugin({}, ['1.0.0', '1.1.0']);
  const r = await run(h, {});
  assert.is(r.code, 0);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /^CNI plugin fake \S+\nCNI protocol versions supported: 1\.0\.0, 1\.1\.0\n$/);
  assert.is(h.loads, 0);
});

test('ADD prints the result converted to the config version', async () => {
  const cases: [string, string][] = [
    ['1.1.0', '{"cniVersion":"1.1.0","interfaces":[{"name":"eth0","mac":"0a:00:00:00:00:01","mtu":1500,"sandbox":"/run/netns/x"}],"ips":[{"interface":0,"address":"10.0.0.2/24","gateway":"10.0.0.1"}],"routes":[{"dst":"0.0.0.0/0","gw":"10.0.0.1","table":10}],"dns":{}}\n'],
    ['1.0.0', '{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","mac":"0a:00:00:00:00:01","sandbox":"/run/netns/x"}],"ips":[{"interface":0,"address":"10.0.0.2/24","gateway":"10.0.0.1"}],"routes":[{"dst":"0.0.0.0/0","gw":"10.0.0.1"}],"dns":{}}\n'],
    ['0.3.1', '{"cniVersion":"0.3.1","interfaces":[{"name":"eth0","mac":"0a:00:00:00:00:01","sandbox":"/run/netns/x"}],"ips":[{"version":"4","interface":0,"address":"10.0.0.2/24","gateway":"10.0.0.1"}],"routes":[{"dst":"0.0.0.0/0","gw":"10.0.0.1"}],"dns":{}}\n'],
    ['0.2.0', '{"cniVersion":"0.2.0","ip4":{"ip":"10.0.0.2/24","gateway":"10.0.0.1","routes":[{"dst":"0.0.0.0/0","gw":"10.0.0.1"}]},"dns":{}}\n'],
  ];
  for (const [version, out] of cases) {
    const h = fakePlugin();
    const r = await run(h, ENV, conf({ cniVersion: version }));
    assert.is(r.code, 0, version);
    assert.is(r.stdout, out);
    assert.is(h.calls.length, 1);
    assert.is(h.calls[0]!.verb, 'add');
  }
});

test('the plugin gets the parsed environment, raw stdin and env in its context', async () => {
  const h = fakePlugin();
  const stdin = JSON.stringify(conf({ ipam: { type: 'host-local' } }));
  await run(h, { ...ENV, CNI_ARGS: 'IgnoreUnknown=1', CNI_PATH: '/a:/b' }, stdin);
  const { ctx, conf: seen } = h.calls[0]!;
  assert.is(ctx.args.command, 'ADD');
  assert.is(ctx.args.containerId, 'c1');
  assert.is(ctx.args.netns, '/run/netns/x');
  assert.is(ctx.args.ifName, 'eth0');
  assert.is(ctx.args.args, 'IgnoreUnknown=1');
  assert.equal(ctx.args.path, ['/a', '/b']);
  assert.is(ctx.args.stdin.toString(), stdin);
  assert.is(ctx.env.CNI_ARGS, 'IgnoreUnknown=1');
  assert.equal(seen.ipam, { type: 'host-local' });
});

test('DEL, CHECK, GC and STATUS print nothing on success', async () => {
  for (const [command, version] of [['DEL', '1.0.0'], ['CHECK', '1.0.0'], ['GC', '1.1.0'], ['STATUS', '1.1.0']] as const) {
    const h = fakePlugin();
    const r = await run(h, { ...ENV, CNI_COMMAND: command }, conf({ cniVersion: version }));
    assert.is(r.code, 0, command);
    assert.is(r.stdout, '');
    assert.is(h.calls[0]!.verb, command.toLowerCase());
  }
});

test('DEL succeeds without CNI_NETNS', async () => {
  const h = fakePlugin();
  const r = await run(h, { ...ENV, CNI_COMMAND: 'DEL', CNI_NETNS: undefined }, conf());
  assert.is(r.code, 0);
  assert.is(h.calls[0]!.ctx.args.netns, '');
});

test('GC and STATUS succeed for a plugin without those verbs', async () => {
  const h = fakePlugin({ gc: undefined, status: undefined });
  assert.is((await run(h, { CNI_COMMAND: 'GC', CNI_PATH: '/opt/cni/bin', CNI_LOG_LEVEL: 'silent' }, conf({ cniVersion: '1.1.0' }))).code, 0);
  assert.is((await run(h, { CNI_COMMAND: 'STATUS', CNI_LOG_LEVEL: 'silent' }, conf({ cniVersion: '1.1.0' }))).code, 0);
});

test('a CniError from the plugin: error JSON with cniVersion on stdout, exit 1', async () => {
  const h = fakePlugin({
    add: () => {
      throw new CniError(11, 'try again', 'lock held');
    },
  });
  const r = await run(h, ENV, conf());
  assert.is(r.code, 1);
  assert.is(r.stdout, '{"cniVersion":"1.0.0","code":11,"msg":"try again","details":"lock held"}\n');
});

test('other exceptions become code 999; details carry only the causes msg does not already say', async () => {
  const h = fakePlugin({
    del: () => {
      throw new Error('link delete failed', { cause: new Error('EBUSY') });
    },
  });
  const r = await run(h, { ...ENV, CNI_COMMAND: 'DEL' }, conf());
  assert.is(r.code, 1);
  assert.equal(errorOut(r), { cniVersion: '1.0.0', code: 999, msg: 'link delete failed', details: 'EBUSY' });
  const h2 = fakePlugin({
    del: () => {
      throw new Error('link delete failed: EBUSY', { cause: new Error('EBUSY') });
    },
  });
  const r2 = await run(h2, { ...ENV, CNI_COMMAND: 'DEL' }, conf());
  assert.equal(errorOut(r2), { cniVersion: '1.0.0', code: 999, msg: 'link delete failed: EBUSY' });
  const h3 = fakePlugin({
    del: () => {
      throw new CniError(7, 'bad thing happened', 'bad thing');
    },
  });
  assert.equal(errorOut(await run(h3, { ...ENV, CNI_COMMAND: 'DEL' }, conf())), { cniVersion: '1.0.0', code: 7, msg: 'bad thing happened' });
});

test('a failure logs one line (level, plugin, command, container, code, message); the stack only at debug', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skel-log-'));
  try {
    const fail = () => {
      throw new Error('link delete failed', { cause: new Error('EBUSY') });
    };
    const file = path.join(dir, 'warn.log');
    await run(fakePlugin({ del: fail }), { ...ENV, CNI_COMMAND: 'DEL', CNI_LOG_LEVEL: 'error', CNI_LOG_FILE: file }, conf());
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    assert.is(lines.length, 1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.is(line.level, 50);
    assert.is(line.plugin, 'fake');
    assert.is(line.command, 'DEL');
    assert.is(line.containerId, 'c1');
    assert.is(line.code, 999);
    assert.is(line.msg, 'link delete failed');
    assert.is(line.details, 'EBUSY');
    assert.not.ok('err' in line);
    assert.ok(lines[0]!.length < 300, lines[0]);
    const debugFile = path.join(dir, 'debug.log');
    await run(fakePlugin({ del: fail }), { ...ENV, CNI_COMMAND: 'DEL', CNI_LOG_LEVEL: 'debug', CNI_LOG_FILE: debugFile }, conf());
    const failure = fs.readFileSync(debugFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; err?: { stack?: string } }).find((l) => l.msg === 'link delete failed');
    assert.match(failure?.err?.stack ?? '', 'EBUSY');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('parseConfig errors are reported like verb errors', async () => {
  const h = fakePlugin({
    parseConfig: () => {
      throw new CniError(7, 'bad mtu');
    },
  });
  const r = await run(h, ENV, conf());
  assert.is(r.code, 1);
  assert.equal(errorOut(r), { cniVersion: '1.0.0', code: 7, msg: 'bad mtu' });
  assert.is(h.calls.length, 0);
});

test('a result that cannot be written in the config version is code 1', async () => {
  const h = fakePlugin({ add: () => ({ cniVersion: '1.1.0', interfaces: [{ name: 'lo' }] }) });
  const r = await run(h, ENV, conf({ cniVersion: '0.2.0' }));
  assert.is(r.code, 1);
  assert.equal(errorOut(r), { cniVersion: '0.2.0', code: 1, msg: 'cannot convert: no valid IP addresses' });
});

test('prevResult is converted to the internal shape before the plugin sees it', async () => {
  const h = fakePlugin();
  const prev = { cniVersion: '0.3.1', interfaces: [{ name: 'eth0', sandbox: '/run/netns/x' }], ips: [{ version: '4', interface: 0, address: '10.0.0.2/24' }], dns: {} };
  await run(h, ENV, conf({ cniVersion: '0.3.1', prevResult: prev }));
  assert.equal(h.calls[0]!.conf.prevResult, { cniVersion: '1.1.0', interfaces: [{ name: 'eth0', sandbox: '/run/netns/x' }], ips: [{ interface: 0, address: '10.0.0.2/24' }], dns: {} });
  // A prevResult without cniVersion takes the config's version (here 0.2.0 shape).
  const h2 = fakePlugin();
  await run(h2, { ...ENV, CNI_COMMAND: 'DEL' }, conf({ cniVersion: '0.2.0', prevResult: { ip4: { ip: '10.0.0.2/24' } } }));
  assert.equal((h2.calls[0]!.conf.prevResult as Result).ips, [{ address: '10.0.0.2/24' }]);
});

test('an invalid prevResult is code 6 naming the field', async () => {
  const h = fakePlugin();
  const r = await run(h, ENV, conf({ prevResult: { cniVersion: '1.0.0', ips: [{ address: '10.0.0.300/24' }] } }));
  assert.is(r.code, 1);
  assert.equal(errorOut(r), { cniVersion: '1.0.0', code: 6, msg: 'invalid prevResult: ips[0].address: invalid CIDR address "10.0.0.300/24"' });
  assert.is(h.calls.length, 0);
});

test('environment errors: code 4, no cniVersion, plugin not loaded', async () => {
  const h = fakePlugin();
  const r = await run(h, { ...ENV, CNI_IFNAME: undefined, CNI_NETNS: undefined }, conf());
  assert.is(r.code, 1);
  assert.equal(errorOut(r), { code: 4, msg: 'required env variables [CNI_NETNS,CNI_IFNAME] missing' });
  assert.is(h.loads, 0);
  const r2 = await run(h, { ...ENV, CNI_COMMAND: 'FROB' }, conf());
  assert.equal(errorOut(r2), { code: 4, msg: 'unknown CNI_COMMAND: FROB' });
});

test('stdin errors', async () => {
  const cases: [string | object, number, string, string?][] = [
    ['', 6, 'error unmarshall network config: unexpected end of JSON input'],
    ['{"name":', 6, 'error unmarshall network config: unexpected end of JSON input'],
    ['[1,2]', 6, 'error unmarshall network config: expected a JSON object'],
    [{ cniVersion: '1.0.0', type: 'fake' }, 7, 'missing network name'],
    [{ cniVersion: '1.0.0', name: '', type: 'fake' }, 7, 'missing network name'],
    [{ cniVersion: '1.0.0', name: 5, type: 'fake' }, 7, 'network name must be a string'],
    [{ cniVersion: '1.0.0', name: 'bad name', type: 'fake' }, 7, 'invalid network name: must match ^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$', 'bad name'],
    [{ cniVersion: '1.0.0', name: '-net', type: 'fake' }, 7, 'invalid network name: must match ^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$', '-net'],
    [{ cniVersion: '1.0.0', name: 'net1', type: 5 }, 6, 'error unmarshall network config: type must be a string'],
    [{ cniVersion: 1, name: 'net1', type: 'fake' }, 6, 'decoding version from network config: cniVersion must be a string'],
  ];
  for (const [stdin, code, msg, details] of cases) {
    const h = fakePlugin();
    const r = await run(h, ENV, stdin);
    assert.is(r.code, 1, JSON.stringify(stdin));
    const e = errorOut(r);
    assert.is(e.code, code, JSON.stringify(stdin));
    if (msg.endsWith(': ')) assert.ok(e.msg.startsWith(msg), e.msg);
    else assert.is(e.msg, msg);
    assert.is(e.details, details);
    assert.is(h.calls.length, 0);
  }
});

test('unsupported cniVersion is code 1 with the reference details', async () => {
  const h = fakePlugin({}, ['0.4.0', '1.0.0']);
  const r = await run(h, ENV, conf({ cniVersion: '1.1.0' }));
  assert.equal(errorOut(r), { cniVersion: '1.1.0', code: 1, msg: 'incompatible CNI versions', details: 'config is "1.1.0", plugin supports ["0.4.0" "1.0.0"]' });
  // Empty cniVersion means 0.1.0.
  const r2 = await run(h, ENV, conf({ cniVersion: '' }));
  assert.equal(errorOut(r2), { cniVersion: '0.1.0', code: 1, msg: 'incompatible CNI versions', details: 'config is "0.1.0", plugin supports ["0.4.0" "1.0.0"]' });
});

test('a config without "type" reaches the plugin (the plugin knows what it is)', async () => {
  const h = fakePlugin();
  const r = await run(h, ENV, { cniVersion: '1.0.0', name: 'lo-test' });
  assert.is(r.code, 0, r.stdout);
  assert.is(h.calls[0]!.conf.type, undefined);
});

test('shared keys reach the plugin under their spec names, matched as Go matches struct fields', async () => {
  const h = fakePlugin();
  const stdin = '{"CNIVersion":"1.0.0","Name":"net1","IPAM":{"Type":"host-local","Ranges":[[{"Subnet":"10.1.0.0/16"}]]},' +
    '"RuntimeConfig":{"PortMappings":[{"HostPort":8080,"containerport":80}]},"Args":{"CNI":{"IPs":["10.1.0.5"]}},"ipmasq":true}';
  const r = await run(h, ENV, stdin);
  assert.is(r.code, 0, r.stdout);
  const c = h.calls[0]!.conf;
  assert.is(c.cniVersion, '1.0.0');
  assert.is(c.name, 'net1');
  assert.equal(c.ipam, { type: 'host-local', ranges: [[{ subnet: '10.1.0.0/16' }]] });
  assert.equal(c.runtimeConfig, { portMappings: [{ hostPort: 8080, containerPort: 80 }] });
  assert.equal(c.args, { cni: { ips: ['10.1.0.5'] } });
  assert.is(c.ipmasq, true, "a plugin's own keys stay as written: its readers find them");
});

test('prevResult fields are matched case-insensitively too', async () => {
  const h = fakePlugin();
  const stdin = { cniVersion: '1.0.0', name: 'net1', PrevResult: { CNIVersion: '1.0.0', IPs: [{ Address: '10.0.0.2/24', Gateway: '10.0.0.1' }], Routes: [{ Dst: '0.0.0.0/0' }] } };
  const r = await run(h, ENV, stdin);
  assert.is(r.code, 0, r.stdout);
  const prev = h.calls[0]!.conf.prevResult as Result;
  assert.equal(prev.ips, [{ address: '10.0.0.2/24', gateway: '10.0.0.1' }]);
  assert.equal(prev.routes, [{ dst: '0.0.0.0/0' }]);
});

test('an empty cniVersion reaches the plugin as 0.1.0', async () => {
  const h = fakePlugin();
  const r = await run(h, ENV, { name: 'net1', type: 'fake' });
  assert.is(r.code, 0);
  assert.is(h.calls[0]!.conf.cniVersion, '0.1.0');
  assert.is(r.stdout, '{"cniVersion":"0.1.0","ip4":{"ip":"10.0.0.2/24","gateway":"10.0.0.1","routes":[{"dst":"0.0.0.0/0","gw":"10.0.0.1"}]},"dns":{}}\n');
});

test('CHECK needs 0.4.0, GC and STATUS need 1.1.0', async () => {
  const cases: [string, string, string][] = [
    ['CHECK', '0.3.1', 'config version does not allow CHECK'],
    ['GC', '1.0.0', 'config version does not allow GC'],
    ['STATUS', '1.0.0', 'config version does not allow STATUS'],
  ];
  for (const [command, version, msg] of cases) {
    const h = fakePlugin();
    const r = await run(h, { ...ENV, CNI_COMMAND: command }, conf({ cniVersion: version }));
    assert.is(r.code, 1, command);
    const e = errorOut(r);
    assert.is(e.code, 1);
    assert.is(e.msg, msg);
    assert.is(h.calls.length, 0);
  }
  // An unparsable version cannot be compared: decoding failure.
  const r = await run(fakePlugin(), { ...ENV, CNI_COMMAND: 'CHECK' }, conf({ cniVersion: 'x.y' }));
  assert.is(errorOut(r).code, 6);
});

test.run();
