/**
 * Traffic control through the embedded netlink client against the real kernel, in namespaces of
 * its own, cross-checked with iproute2's `tc`: what tc makes we parse back, what we make tc reads
 * back (including a 64-bit rate), and deletes, dumps of links without qdiscs or filters.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeHandle, Netlink, NetlinkError, TC_H } from '../../src/netlink/index.js';
import { readPschedClock, xmittime } from '../../src/netlink/tc/index.js';
import { makeNetns, type TestNetns } from '../helpers/netns.js';

function inNetns(fn: (ns: TestNetns, nl: Netlink, veth: number, ifb: number) => void): void {
  const ns = makeNetns('nltc');
  try {
    ns.execOk('ip', ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    ns.execOk('ip', ['link', 'add', 'ifb0', 'type', 'ifb']);
    ns.execOk('ip', ['link', 'set', 'ifb0', 'up']);
    ns.execOk('ip', ['link', 'set', 'v0', 'up']);
    using nl = Netlink.openIn(ns.path);
    fn(ns, nl, nl.linkByName('v0').index, nl.linkByName('ifb0').index);
  } finally {
    ns.remove();
  }
}

const tcJson = (ns: TestNetns, args: string[]): any[] => JSON.parse(ns.execOk('tc', ['-j', ...args]));

test("a tbf and a u32 mirred filter made by tc parse back: rate, limit, buffer, redirect target", () => {
  inNetns((ns, nl, veth, ifb) => {
    assert.equal(nl.qdiscList(veth).map((q) => q.handle), [0], 'only the default qdisc');
    assert.equal(nl.filterList(veth, TC_H.INGRESS_HANDLE), [], 'no ingress qdisc: no filters, no error');
    ns.execOk('tc', ['qdisc', 'add', 'dev', 'v0', 'root', 'handle', '1:', 'tbf', 'rate', '1mbit', 'burst', '5000', 'limit', '30000']);
    ns.execOk('tc', ['qdisc', 'add', 'dev', 'v0', 'handle', 'ffff:', 'ingress']);
    ns.execOk('tc', ['filter', 'add', 'dev', 'v0', 'parent', 'ffff:', 'protocol', 'all', 'prio', '1', 'u32', 'match', 'u32', '0', '0', 'classid', '1:1', 'action', 'mirred', 'egress', 'redirect', 'dev', 'ifb0']);
    const qs = nl.qdiscList(veth);
    const tbf = qs.find((q) => q.parent === TC_H.ROOT);
    assert.equal(tbf, { index: veth, handle: makeHandle(1, 0), parent: TC_H.ROOT, kind: 'tbf', tbf: { rate: 125_000, limit: 30_000, buffer: xmittime(readPschedClock(), 125_000, 5000) } });
    assert.ok(qs.some((q) => q.kind === 'ingress' && q.handle === TC_H.INGRESS_HANDLE && q.parent === TC_H.INGRESS));
    const redirect = nl.filterList(veth, TC_H.INGRESS_HANDLE).filter((f) => f.redirectIndex !== undefined);
    assert.equal(redirect.map((f) => [f.kind, f.priority, f.protocol, f.redirectIndex]), [['u32', 1, 3, ifb]]);
  });
});

test('what we make, tc reads back; a rate above 4 GB/s travels as TCA_TBF_RATE64; EEXIST on a taken place; deletes', () => {
  inNetns((ns, nl, veth, ifb) => {
    const clock = readPschedClock();
    nl.qdiscAdd({ kind: 'tbf', index: veth, handle: makeHandle(1, 0), parent: TC_H.ROOT, tbf: { rate: 1_000_000, burst: 10_000, limit: 35_000, buffer: xmittime(clock, 1_000_000, 10_000) } });
    const [root] = tcJson(ns, ['qdisc', 'show', 'dev', 'v0', 'root']);
    assert.equal([root.kind, root.handle, root.options.rate, root.options.burst, root.options.lat], ['tbf', '1:', 1_000_000, 10_000, 25_000]);
    nl.qdiscAdd({ kind: 'tbf', index: ifb, handle: makeHandle(1, 0), parent: TC_H.ROOT, tbf: { rate: 5e9, burst: 500_000, limit: 600_000, buffer: xmittime(clock, 5e9, 500_000) } });
    assert.is(tcJson(ns, ['qdisc', 'show', 'dev', 'ifb0', 'root'])[0].options.rate, 5e9);
    assert.is(nl.qdiscList(ifb).find((q) => q.kind === 'tbf')?.tbf?.rate, 5e9);
    nl.qdiscAdd({ kind: 'ingress', index: veth });
    assert.throws(() => nl.qdiscAdd({ kind: 'ingress', index: veth }), (e: unknown) => e instanceof NetlinkError && e.code === 'EEXIST');
    nl.filterAddU32Redirect({ index: veth, parent: TC_H.INGRESS_HANDLE, priority: 1, classId: makeHandle(1, 1), redirectIndex: ifb });
    const filter = tcJson(ns, ['filter', 'show', 'dev', 'v0', 'parent', 'ffff:']).find((f) => f.options?.actions);
    assert.equal([filter.kind, filter.protocol, filter.pref, filter.options.flowid, filter.options.actions[0].kind, filter.options.actions[0].to_dev], ['u32', 'all', 1, '1:1', 'mirred', 'ifb0']);
    nl.qdiscDel({ index: veth, handle: TC_H.INGRESS_HANDLE, parent: TC_H.INGRESS, kind: 'ingress' });
    nl.qdiscDel({ index: veth, handle: makeHandle(1, 0), parent: TC_H.ROOT });
    assert.equal(tcJson(ns, ['qdisc', 'show', 'dev', 'v0']).map((q) => q.handle), ['0:']);
    assert.throws(() => nl.qdiscDel({ index: veth, handle: makeHandle(1, 0), parent: TC_H.ROOT }), (e: unknown) => e instanceof NetlinkError);
  });
});

test('link alias set over netlink', () => {
  inNetns((ns, nl, _veth, ifb) => {
    nl.linkSetAlias(ifb, 'cni-bandwidth test');
    assert.is(nl.linkByIndex(ifb).alias, 'cni-bandwidth test');
    assert.is(JSON.parse(ns.execOk('ip', ['-j', 'link', 'show', 'ifb0']))[0].ifalias, 'cni-bandwidth test');
  });
});

test.run();
