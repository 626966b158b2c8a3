/**
 * vrf: config parsing, the table choice (the reference's unit cases), and the RTM_NEWLINK it
 * sends. The plugin itself runs against a kernel with VRFs in the VM lane (test/vm/vrf.test.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseVrfConfig } from '../../src/plugins/meta/vrf/config.js';
import { freeTable } from '../../src/plugins/meta/vrf/vrf-link.js';
import { linkAddRequest } from '../../src/netlink/route/link-add.js';
import { Attrs } from '../../src/netlink/codec/attr.js';
import { IFINFOMSG_LEN } from '../../src/netlink/codec/structs.js';
import { IFLA, IFLA_INFO, IFLA_VRF_TABLE } from '../../src/netlink/route/consts.js';
import type { Link } from '../../src/netlink/index.js';
import { cniErrorOf } from '../helpers/errors.js';

const base = (extra: Record<string, unknown> = {}) => ({ cniVersion: '1.0.0', name: 'n', type: 'vrf', ...extra });

test('vrfname and table', () => {
  assert.equal(parseVrfConfig(base({ vrfname: 'red' })).settings, { vrfName: 'red', table: 0 });
  assert.equal(parseVrfConfig(base({ vrfname: 'red', table: 1001 })).settings, { vrfName: 'red', table: 1001 });
});

test('bad configs: code 7, the reference message where it has one', () => {
  for (const [conf, msg] of [
    [base(), /^configuration is expected to have a valid vrf name$/],
    [base({ vrfname: '' }), /^configuration is expected to have a valid vrf name$/],
    [base({ vrfname: 'a-name-far-too-long' }), /not a valid interface name/],
    [base({ vrfname: 'red', table: -1 }), /out of range/],
    [base({ vrfname: 'red', table: 2 ** 32 }), /out of range/],
    [base({ vrfname: 'red', table: 254 }), /reserved/],
    [base({ vrfname: 'red', table: '5' }), /"table" must be an integer/],
  ] as const) {
    const err = cniErrorOf(() => parseVrfConfig(conf));
    assert.is(err.code, 7);
    assert.match(err.message, msg);
  }
});

const vrfLink = (table: number) => ({ kind: 'vrf', vrf: { table } }) as Link;
const dummy = { kind: 'dummy' } as Link;

test('free table: the first id from 1 no VRF uses; other links ignored; kernel tables skipped', () => {
  assert.is(freeTable([vrfLink(1), vrfLink(2), vrfLink(3), vrfLink(5)]), 4);
  assert.is(freeTable([vrfLink(1), vrfLink(2), dummy, vrfLink(5)]), 3);
  assert.is(freeTable([]), 1);
  assert.is(freeTable(Array.from({ length: 999 }, (_, i) => vrfLink(i + 1))), 1000);
  assert.is(freeTable(Array.from({ length: 252 }, (_, i) => vrfLink(i + 1))), 256);
});

test('RTM_NEWLINK kind vrf carries IFLA_VRF_TABLE', () => {
  const req = linkAddRequest({ kind: 'vrf', name: 'red', table: 1001 });
  const attrs = Attrs.parse(req.body.subarray(IFINFOMSG_LEN));
  assert.is(attrs.string(IFLA.IFNAME), 'red');
  const info = attrs.nested(IFLA.LINKINFO)!;
  assert.is(info.string(IFLA_INFO.KIND), 'vrf');
  assert.is(info.nested(IFLA_INFO.DATA)!.u32(IFLA_VRF_TABLE), 1001);
  assert.throws(() => linkAddRequest({ kind: 'vrf', name: 'red', table: 0 }), /invalid VRF table/);
});

test.run();
