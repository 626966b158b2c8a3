/** ptp config parsing and the gateway requirement of its routing. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePtpConfig } from '../../src/plugins/main/ptp/config.js';
import { ptpAddresses, PtpRouteError } from '../../src/plugins/main/ptp/routes.js';
import { CniError } from '../../src/spec/errors.js';

const base = (extra: Record<string, unknown> = {}) => ({ cniVersion: '1.0.0', name: 'n', type: 'ptp', ipam: { type: 'host-local' }, ...extra });

test('defaults and keys', () => {
  assert.equal(parsePtpConfig(base()).settings, { ipMasq: false, mtu: 0, ipamType: 'host-local' });
  assert.equal(parsePtpConfig(base({ ipMasq: true, ipMasqBackend: 'iptables', mtu: 1400 })).settings, { ipMasq: true, ipMasqBackend: 'iptables', mtu: 1400, ipamType: 'host-local' });
});

test('ipam is required; types are checked', () => {
  for (const [conf, msg] of [
    [base({ ipam: undefined }), /ipam\.type/],
    [base({ ipam: {} }), /ipam\.type/],
    [base({ mtu: -5 }), /"mtu" must be a non-negative integer/],
    [base({ ipMasq: 'yes' }), /"ipMasq" must be a boolean/],
  ] as const) {
    try {
      parsePtpConfig(conf);
      assert.unreachable(String(msg));
    } catch (err) {
      assert.instance(err, CniError);
      assert.is((err as CniError).code, 7);
      assert.match((err as Error).message, msg);
    }
  }
});

test('every address needs a gateway of its family', () => {
  assert.equal(
    ptpAddresses([{ address: '10.0.0.2/24', gateway: '10.0.0.1' }]).map((a) => [String(a.ip), String(a.gw)]),
    [['10.0.0.2/24', '10.0.0.1']],
  );
  assert.throws(() => ptpAddresses([{ address: '10.0.0.2/24' }]), (e: unknown) => e instanceof PtpRouteError && /no IPv4 gateway/.test((e as Error).message));
  assert.throws(() => ptpAddresses([{ address: 'fd00::2/64', gateway: '10.0.0.1' }]), (e: unknown) => e instanceof PtpRouteError);
});

test.run();
