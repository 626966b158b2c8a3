import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildGCRequest, buildRequest, buildStatusRequest, injectConf, pluginConfFromBytes, runtimeConfigFor } from '../../src/runtime/index.js';

const plugin = (obj: unknown) => pluginConfFromBytes(Buffer.from(JSON.stringify(obj)));
const parse = (b: Buffer) => JSON.parse(b.toString()) as Record<string, unknown>;
const rt = { containerId: 'c1', netns: '/run/netns/x', ifName: 'eth0' };

test('runtimeConfig gets only capabilities the plugin declared true AND the runtime supplied', () => {
  const p = plugin({ type: 'portmap', capabilities: { portMappings: true, bandwidth: false, ips: true } });
  const caps = { portMappings: [{ hostPort: 80, containerPort: 8080 }], bandwidth: { ingressRate: 1 }, mac: '00:11:22:33:44:55' };
  assert.equal(runtimeConfigFor(p, caps), { portMappings: caps.portMappings });
  assert.equal(runtimeConfigFor(p, undefined), {});
  assert.equal(runtimeConfigFor(plugin({ type: 'bridge' }), caps), {});
});

test('ADD request: plugin object + name + cniVersion (+ prevResult), keys sorted, list values win', () => {
  const p = plugin({ type: 'bridge', name: 'ignored', cniVersion: '0.1.0', zeta: 1, alpha: { b: 1, a: '<&>' } });
  const first = buildRequest('net1', '1.0.0', p, undefined, rt);
  assert.is(first.toString(), '{"alpha":{"a":"\\u003c\\u0026\\u003e","b":1},"cniVersion":"1.0.0","name":"net1","type":"bridge","zeta":1}');
  const prev = { cniVersion: '1.0.0', interfaces: [{ name: 'eth0' }], dns: {} };
  const next = parse(buildRequest('net1', '1.0.0', p, prev, rt));
  assert.equal(next.prevResult, prev);
  assert.not.ok('runtimeConfig' in next);
});

test('a plugin\'s own runtimeConfig is replaced only when the runtime supplies a declared capability', () => {
  const p = plugin({ type: 'x', capabilities: { mac: true }, runtimeConfig: { static: true } });
  assert.equal(parse(buildRequest('n', '1.0.0', p, undefined, rt)).runtimeConfig, { static: true });
  assert.equal(parse(buildRequest('n', '1.0.0', p, undefined, { ...rt, capabilityArgs: { mac: 'aa', ips: ['1.2.3.4/24'] } })).runtimeConfig, { mac: 'aa' });
});

test('GC request carries the valid attachments under both keys; none when not given', () => {
  const p = plugin({ type: 'host-local' });
  const gc = parse(buildGCRequest('n', '1.1.0', p, [{ containerID: 'c1', ifname: 'eth0' }]));
  assert.equal(gc['cni.dev/valid-attachments'], [{ containerID: 'c1', ifname: 'eth0' }]);
  assert.equal(gc['cni.dev/attachments'], [{ containerID: 'c1', ifname: 'eth0' }]);
  assert.equal(parse(buildGCRequest('n', '1.1.0', p, [])) ['cni.dev/valid-attachments'], []);
  const none = parse(buildGCRequest('n', '1.1.0', p, undefined));
  assert.not.ok('cni.dev/valid-attachments' in none);
  assert.not.ok('cni.dev/attachments' in none);
});

test('STATUS request: plugin object with name and cniVersion only', () => {
  const p = plugin({ type: 'bridge', capabilities: { mac: true } });
  assert.equal(parse(buildStatusRequest('n', '1.1.0', p)), { capabilities: { mac: true }, cniVersion: '1.1.0', name: 'n', type: 'bridge' });
});

test('injectConf rejects empty keys and keeps the input untouched', () => {
  const p = plugin({ type: 'bridge' });
  assert.throws(() => injectConf(p, { '': 1 }), /keys cannot be empty/);
  injectConf(p, { name: 'n' });
  assert.is(p.bytes.toString(), '{"type":"bridge"}');
});

test.run();
