/**
 * flannel: subnet.env parsing as flanneld writes it, the delegate checks with the reference's
 * messages, and the rendered delegate config byte for byte as the reference's json.Marshal writes
 * it (the saved file both plugins read, so a node can switch between them with pods running).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NetConf } from '../../src/spec/types.js';
import { ErrorCode } from '../../src/spec/errors.js';
import { parseFlannelConfig } from '../../src/plugins/meta/flannel/config.js';
import { loadSubnetEnv, parseSubnetEnv } from '../../src/plugins/meta/flannel/subnet-env.js';
import { renderDelegate } from '../../src/plugins/meta/flannel/delegate-conf.js';
import { cniErrorOf } from '../helpers/errors.js';

const DUAL = 'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_IPV6_NETWORK=2001:db8:42::/56\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_IPV6_SUBNET=2001:db8:42:1::1/64\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n';
const V4 = 'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=false\n';

function conf(extra: Record<string, unknown> = {}, written?: string): ReturnType<typeof parseFlannelConfig> {
  const raw = { cniVersion: '1.0.0', name: 'cbr0', type: 'flannel', ...extra } as NetConf;
  return parseFlannelConfig(raw, Buffer.from(written ?? JSON.stringify(raw)));
}

test('subnet.env: dual-stack, subnets masked, networks as lists without duplicates, CRLF tolerated', () => {
  const env = parseSubnetEnv('FLANNEL_NETWORK=10.244.0.0/16,10.245.0.0/16,10.244.0.0/16\r\nFLANNEL_IPV6_NETWORK=2001:db8:42::/56\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_IPV6_SUBNET=2001:db8:42:1::1/64\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\nOTHER=1', 'f');
  assert.equal(env.networks.map(String), ['10.244.0.0/16', '10.245.0.0/16']);
  assert.equal(env.ip6Networks.map(String), ['2001:db8:42::/56']);
  assert.is(env.subnet?.toString(), '10.244.1.0/24');
  assert.is(env.ip6Subnet?.toString(), '2001:db8:42:1::/64');
  assert.is(env.mtu, 1450);
  assert.is(env.ipMasq, true);
});

test('subnet.env: v4-only and v6-only are complete; FLANNEL_IPMASQ is true only for "true"', () => {
  const v4 = parseSubnetEnv(V4, 'f');
  assert.is(v4.ip6Subnet, undefined);
  assert.is(v4.ipMasq, false);
  const v6 = parseSubnetEnv('FLANNEL_IPV6_NETWORK=fd00::/48\nFLANNEL_IPV6_SUBNET=fd00:0:0:2::1/64\nFLANNEL_MTU=1400\nFLANNEL_IPMASQ=TRUE\n', 'f');
  assert.is(v6.subnet, undefined);
  assert.is(v6.ip6Subnet?.toString(), 'fd00:0:0:2::/64');
  assert.is(v6.ipMasq, false);
});

test("subnet.env: missing keys are the reference's message naming the file and the keys, code 11", () => {
  const e = cniErrorOf(() => parseSubnetEnv('FLANNEL_SUBNET=10.244.1.1/24\n', '/run/flannel/subnet.env'));
  assert.is(e.code, ErrorCode.TryAgainLater);
  assert.is(e.message, 'loadFlannelSubnetEnv failed: /run/flannel/subnet.env is missing FLANNEL_NETWORK, FLANNEL_IPV6_NETWORK, FLANNEL_MTU, FLANNEL_IPMASQ');
  const e2 = cniErrorOf(() => parseSubnetEnv('', 'x.env'));
  assert.is(e2.message, 'loadFlannelSubnetEnv failed: x.env is missing FLANNEL_NETWORK, FLANNEL_IPV6_NETWORK, FLANNEL_SUBNET, FLANNEL_IPV6_SUBNET, FLANNEL_MTU, FLANNEL_IPMASQ');
});

test('subnet.env: malformed values name the key and the file', () => {
  assert.match(cniErrorOf(() => parseSubnetEnv(V4.replace('10.244.1.1/24', '10.244.1.1'), 'f')).message, /f: FLANNEL_SUBNET="10.244.1.1": invalid CIDR address/);
  assert.match(cniErrorOf(() => parseSubnetEnv(V4.replace('1450', '1450 '), 'f')).message, /FLANNEL_MTU="1450 "/);
  assert.match(cniErrorOf(() => parseSubnetEnv(V4.replace('1450', '-1'), 'f')).message, /FLANNEL_MTU/);
  assert.match(cniErrorOf(() => parseSubnetEnv(`${V4}FLANNEL_NETWORK\n`, 'f')).message, /FLANNEL_NETWORK/);
});

test('subnet.env: an absent file is code 11 naming the path and saying flanneld has not written it yet', () => {
  const file = path.join(os.tmpdir(), `no-such-${process.pid}`, 'subnet.env');
  const e = cniErrorOf(() => loadSubnetEnv(file));
  assert.is(e.code, ErrorCode.TryAgainLater);
  assert.is(e.message, `loadFlannelSubnetEnv failed: open ${file}: no such file or directory`);
  assert.match(e.details ?? '', /flanneld has not written/);
});

test("delegate: name, ipam and a non-string type are refused with the reference's messages (code 7)", () => {
  const name = cniErrorOf(() => conf({ delegate: { name: 'x' } }));
  assert.is(name.code, ErrorCode.InvalidNetworkConfig);
  assert.is(name.message, "'delegate' dictionary must not have 'name' field, it'll be set by flannel");
  assert.is(cniErrorOf(() => conf({ delegate: { ipam: {} } })).message, "'delegate' dictionary must not have 'ipam' field, it'll be set by flannel");
  assert.is(cniErrorOf(() => conf({ delegate: { type: 3 } })).message, "'delegate' dictionary, if present, must have (string) 'type' field");
  assert.is(cniErrorOf(() => conf({ delegate: { type: null } })).code, ErrorCode.InvalidNetworkConfig);
  assert.is(cniErrorOf(() => conf({ delegate: 'bridge' })).code, ErrorCode.InvalidNetworkConfig);
  assert.is(cniErrorOf(() => conf({ ipam: [] })).code, ErrorCode.InvalidNetworkConfig);
});

test('defaults: /run/flannel/subnet.env and /var/lib/cni/flannel', () => {
  const s = conf().settings;
  assert.is(s.subnetFile, '/run/flannel/subnet.env');
  assert.is(s.dataDir, '/var/lib/cni/flannel');
});

test('rendered delegate, the Kubernetes conflist: the bytes the reference saves', () => {
  const d = renderDelegate(conf({ delegate: { hairpinMode: true, isDefaultGateway: true } }), parseSubnetEnv(DUAL, 'f'));
  assert.is(d.type, 'bridge');
  assert.is(
    d.bytes.toString(),
    '{"cniVersion":"1.0.0","hairpinMode":true,"ipMasq":false,"ipam":{"ranges":[[{"subnet":"10.244.1.0/24"}],[{"subnet":"2001:db8:42:1::/64"}]],"routes":[{"dst":"10.244.0.0/16"},{"dst":"2001:db8:42::/56"}],"type":"host-local"},"isDefaultGateway":true,"isGateway":true,"mtu":1450,"name":"cbr0","type":"bridge"}',
  );
});

test('rendered delegate: user keys win, ipam completed, user routes first in struct order with omitempty, <>& escaped, runtimeConfig passed', () => {
  const c = conf({
    delegate: { type: 'ptp', ipMasq: true, mtu: 1400, zeta: { b: 1, a: [2, 1] }, note: 'a<b>&c' },
    ipam: { type: 'host-local', dataDir: '/x', ranges: 'replaced', routes: [{ table: 0, priority: 0, mtu: 0, gw: '2001:DB8::0:1', dst: '2001:db8::5/64', advmss: 1400 }] },
    runtimeConfig: { portMappings: [{ hostPort: 80, containerPort: 8080 }] },
  });
  const d = renderDelegate(c, parseSubnetEnv(V4, 'f'));
  assert.is(
    d.bytes.toString(),
    '{"cniVersion":"1.0.0","ipMasq":true,"ipam":{"dataDir":"/x","ranges":[[{"subnet":"10.244.1.0/24"}]],"routes":[{"dst":"2001:db8::5/64","gw":"2001:db8::1","advmss":1400,"table":0},{"dst":"10.244.0.0/16"}],"type":"host-local"},"mtu":1400,"name":"cbr0","note":"a\\u003cb\\u003e\\u0026c","runtimeConfig":{"portMappings":[{"containerPort":8080,"hostPort":80}]},"type":"ptp","zeta":{"a":[2,1],"b":1}}',
  );
  // Not a bridge: no isGateway added.
  assert.not.ok(Object.hasOwn(d.conf, 'isGateway'));
});

test('rendered delegate: no cniVersion when the config has none; explicit isGateway false kept; FLANNEL_IPMASQ=false -> ipMasq true', () => {
  const d = renderDelegate(conf({ delegate: { isGateway: false } }, '{"name":"cbr0","type":"flannel","delegate":{"isGateway":false}}'), parseSubnetEnv(V4, 'f'));
  assert.is(d.bytes.toString(), '{"ipMasq":true,"ipam":{"ranges":[[{"subnet":"10.244.1.0/24"}]],"routes":[{"dst":"10.244.0.0/16"}],"type":"host-local"},"isGateway":false,"mtu":1450,"name":"cbr0","type":"bridge"}');
});

test('rendered delegate: a bad user route is code 7 naming ipam.routes', () => {
  const e = cniErrorOf(() => renderDelegate(conf({ ipam: { routes: [{ dst: 'nope' }] } }), parseSubnetEnv(V4, 'f')));
  assert.is(e.code, ErrorCode.InvalidNetworkConfig);
  assert.match(e.message, /ipam\.routes\[0\]\.dst/);
});

test('loadSubnetEnv reads a real file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flannel-env-'));
  try {
    fs.writeFileSync(path.join(dir, 'subnet.env'), DUAL);
    assert.is(loadSubnetEnv(path.join(dir, 'subnet.env')).mtu, 1450);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
