import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_SOCKET_PATH, parseDhcpIpam } from '../../src/plugins/ipam/dhcp/config.js';
import { clientId } from '../../src/plugins/ipam/dhcp/protocol.js';
import { DEFAULT_REQUESTED, planOptions } from '../../src/plugins/ipam/dhcp/daemon/options-plan.js';
import { parseDaemonArgs, parseGoDuration, UsageError } from '../../src/plugins/ipam/dhcp/daemon/args.js';
import { CniError, ErrorCode } from '../../src/spec/errors.js';
import { cniErrorOf } from '../helpers/errors.js';

const conf = (ipam: object) => ({ cniVersion: '1.1.0', name: 'lan', type: 'macvlan', ipam: { type: 'dhcp', ...ipam } });

test('defaults: the reference socket path, no options', () => {
  assert.equal(parseDhcpIpam(conf({})), { daemonSocketPath: DEFAULT_SOCKET_PATH, request: [], provide: [] });
  assert.is(DEFAULT_SOCKET_PATH, '/run/cni/dhcp.sock');
});

test('request/provide: option names of the reference, numbers as strings or numbers', () => {
  const c = parseDhcpIpam(
    conf({
      daemonSocketPath: '/x.sock',
      request: [{ option: 'subnet-mask' }, { option: '121', skipDefault: true }],
      provide: [{ option: 'host-name', value: 'pod-a' }, { option: 60, fromArg: 'VENDOR' }],
      priority: 100,
    }),
  );
  assert.equal(c, {
    daemonSocketPath: '/x.sock',
    request: [
      { option: 1, skipDefault: false },
      { option: 121, skipDefault: true },
    ],
    provide: [{ option: 12, value: 'pod-a' }, { option: 60, fromArg: 'VENDOR' }],
    priority: 100,
  });
});

test('bad options are code 7 naming the field', () => {
  const e = cniErrorOf(() => parseDhcpIpam(conf({ request: [{ option: 'no-such' }] })));
  assert.is(e.code, ErrorCode.InvalidNetworkConfig);
  assert.match(e.message, /Can not parse option "no-such": ipam.request\[0\].option/);
  assert.match(cniErrorOf(() => parseDhcpIpam(conf({ provide: [{ option: '256' }] }))).message, /ipam.provide\[0\]/);
  assert.match(cniErrorOf(() => parseDhcpIpam(conf({ provide: [{ option: 12, value: 'x'.repeat(256) }] }))).message, /value too long for option "12"/);
  assert.match(cniErrorOf(() => parseDhcpIpam(conf({ request: {} }))).message, /"ipam.request" must be an array/);
  assert.match(cniErrorOf(() => parseDhcpIpam(conf({ request: [{ option: 3, skipDefault: 'yes' }] }))).message, /"skipDefault" must be a boolean/);
  assert.match(cniErrorOf(() => parseDhcpIpam({ cniVersion: '1.1.0', name: 'n', type: 'x' })).message, /missing 'ipam' key/);
});

test('plan: defaults plus request; skipDefault drops the defaults', () => {
  assert.equal(planOptions(parseDhcpIpam(conf({})), '').requested, DEFAULT_REQUESTED);
  assert.equal(planOptions(parseDhcpIpam(conf({ request: [{ option: 42 }] })), '').requested, [42, ...DEFAULT_REQUESTED]);
  assert.equal(planOptions(parseDhcpIpam(conf({ request: [{ option: 42, skipDefault: true }, { option: 1 }] })), '').requested, [42, 1]);
});

test('plan: provide value, fromArg from CNI_ARGS wins over value; a missing arg keeps the value', () => {
  const c = parseDhcpIpam(conf({ provide: [{ option: 'host-name', value: 'dflt', fromArg: 'K8S_POD_NAME' }] }));
  assert.equal(planOptions(c, 'IgnoreUnknown=1;K8S_POD_NAME=web-0').provided, [[12, Buffer.from('web-0')]]);
  assert.equal(planOptions(c, 'IgnoreUnknown=1').provided, [[12, Buffer.from('dflt')]]);
  const e = cniErrorOf(() => planOptions(c, `K8S_POD_NAME=${'y'.repeat(300)}`));
  assert.match(e.message, /value too long for option "12" from CNI_ARGS "K8S_POD_NAME"/);
});

test('client id: <containerID>/<netName>/<ifName>, cut at 254 bytes', () => {
  assert.is(clientId('abc', 'lan', 'eth0'), 'abc/lan/eth0');
  assert.is(clientId('a'.repeat(300), 'lan', 'eth0').length, 254);
});

test('Go durations', () => {
  assert.is(parseGoDuration('10s'), 10_000);
  assert.is(parseGoDuration('1m30s'), 90_000);
  assert.is(parseGoDuration('500ms'), 500);
  assert.is(parseGoDuration('1.5h'), 5_400_000);
  assert.is(parseGoDuration('0'), 0);
  assert.throws(() => parseGoDuration('10'), (e: Error) => e instanceof UsageError && /invalid duration/.test(e.message));
  assert.throws(() => parseGoDuration('s'), /invalid duration "s"/);
});

test('daemon flags: Go flag syntax, defaults of the reference', () => {
  const d = parseDaemonArgs([]);
  assert.equal([d.socketpath, d.timeoutMs, d.resendMaxMs, d.broadcast, d.renewScale], ['/run/cni/dhcp.sock', 10_000, 62_000, false, 1]);
  const a = parseDaemonArgs(['-pidfile', '/run/d.pid', '--socketpath=/tmp/s.sock', '-broadcast', '-timeout', '2s', '-resendmax=30s', '-resendtimeout', '1m', '-hostprefix', '/host', '-renewscale', '0.1', '-statedir', '/tmp/st']);
  assert.equal(
    [a.pidfile, a.socketpath, a.broadcast, a.timeoutMs, a.resendMaxMs, a.resendTimeoutMs, a.hostprefix, a.renewScale, a.statedir],
    ['/run/d.pid', '/tmp/s.sock', true, 2000, 30_000, 60_000, '/host', 0.1, '/tmp/st'],
  );
  assert.throws(() => parseDaemonArgs(['-nope']), /flag provided but not defined: -nope/);
  assert.throws(() => parseDaemonArgs(['-timeout']), /flag needs an argument/);
  assert.throws(() => parseDaemonArgs(['-renewscale', '2']), /renewscale/);
  assert.throws(() => parseDaemonArgs(['-timeout', '0s']), /positive/);
  assert.ok(parseDaemonArgs(['-h']).help);
});

test('errors are CniErrors (the plugin prints them)', () => {
  assert.instance(cniErrorOf(() => parseDhcpIpam(conf({ priority: 'x' }))), CniError);
});

test.run();
