/** Addresses and routes through the embedded netlink client, checked with `ip -j` in test netns. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IFA_F, isExists, isNotFound, Netlink, NetlinkError, RT_SCOPE } from '../../src/netlink/index.js';
import { makeNetns, type TestNetns } from '../helpers/netns.js';
import { ipJson } from '../helpers/sh.js';

/** A netns with a veth pair v0/v1, both up; fn gets a handle bound to it. */
function withPair(fn: (nl: Netlink, ns: TestNetns, v0: number, v1: number) => void): void {
  const ns = makeNetns('nlr');
  try {
    using nl = Netlink.openIn(ns.path);
    nl.linkAdd({ kind: 'veth', name: 'v0', peer: { name: 'v1' } });
    const v0 = nl.linkByName('v0').index;
    const v1 = nl.linkByName('v1').index;
    nl.linkSetUp(v0);
    nl.linkSetUp(v1);
    fn(nl, ns, v0, v1);
  } finally {
    ns.remove();
  }
}

function addrInfo(ns: TestNetns, dev: string): any[] {
  return ipJson<any[]>(['addr', 'show', 'dev', dev], ns.name)[0].addr_info;
}

test('IPv4 and IPv6 addresses: add (with broadcast, nodad), list, duplicate, replace, delete', () => {
  withPair((nl, ns, v0, v1) => {
    nl.addrAdd(v0, '10.9.0.2/24');
    nl.addrAdd(v0, 'fd00:9::2/64', { noDad: true });
    nl.addrAdd(v1, '10.9.0.3/31');
    const shown = addrInfo(ns, 'v0');
    const v4 = shown.find((a) => a.family === 'inet');
    assert.equal([v4.local, v4.prefixlen, v4.broadcast, v4.scope], ['10.9.0.2', 24, '10.9.0.255', 'global']);
    const v6 = shown.find((a) => a.family === 'inet6' && a.local === 'fd00:9::2');
    assert.ok(v6?.nodad, JSON.stringify(shown));
    assert.not.ok(v6.tentative, 'nodad: usable at once');
    assert.is(addrInfo(ns, 'v1').find((a) => a.family === 'inet').broadcast, undefined, 'no broadcast on /31');

    const listed = nl.addrList({ index: v0 });
    const mine4 = listed.find((a) => a.address === '10.9.0.2');
    assert.equal(mine4, { index: v0, family: 4, address: '10.9.0.2', prefixLen: 24, cidr: '10.9.0.2/24', scope: 0, flags: IFA_F.PERMANENT, label: 'v0' });
    const mine6 = listed.find((a) => a.address === 'fd00:9::2');
    assert.ok(mine6 && mine6.flags & IFA_F.NODAD && mine6.family === 6 && mine6.cidr === 'fd00:9::2/64');
    assert.ok(nl.addrList({ family: 6, index: v0 }).every((a) => a.family === 6));
    assert.ok(nl.addrList({ family: 4 }).some((a) => a.index === v1));
    assert.not.ok(nl.addrList({ family: 4, index: v1 }).some((a) => a.index !== v1));

    assert.throws(() => nl.addrAdd(v0, '10.9.0.2/24'), (e: unknown) => isExists(e) && /addr add 10.9.0.2\/24/.test((e as Error).message));
    // IPv4 replace of an existing address only refreshes it (lifetimes, metric); of a new one, creates it.
    nl.addrAdd(v0, '10.9.0.2/24', { replace: true });
    assert.is(addrInfo(ns, 'v0').filter((a) => a.local === '10.9.0.2').length, 1);
    // (another subnet: a secondary address must share its primary's scope)
    nl.addrAdd(v0, '10.99.0.4/24', { replace: true, scope: RT_SCOPE.LINK, broadcast: '10.99.0.127' });
    const replaced = addrInfo(ns, 'v0').find((a) => a.local === '10.99.0.4');
    assert.equal([replaced.scope, replaced.broadcast], ['link', '10.99.0.127']);

    nl.addrDel(v0, '10.9.0.2/24');
    nl.addrDel(v0, 'fd00:9::2/64');
    assert.not.ok(addrInfo(ns, 'v0').some((a) => a.local === '10.9.0.2' || a.local === 'fd00:9::2'));
    assert.throws(() => nl.addrDel(v0, '10.9.0.2/24'), (e: unknown) => e instanceof NetlinkError && isNotFound(e));
  });
});

test('routes: add with gateway/metric/table, replace, scope link, metrics, default in a table, list, delete', () => {
  withPair((nl, ns, v0) => {
    nl.addrAdd(v0, '10.9.0.2/24');
    nl.addrAdd(v0, 'fd00:9::2/64', { noDad: true });

    nl.routeAdd({ dst: '10.10.0.0/16', gw: '10.9.0.1', table: 100, priority: 50, mtu: 1400, advmss: 1360 });
    let t100 = ipJson<any[]>(['route', 'show', 'table', '100'], ns.name);
    assert.equal(t100, [{ dst: '10.10.0.0/16', gateway: '10.9.0.1', dev: 'v0', metric: 50, flags: [], metrics: [{ mtu: 1400, advmss: 1360 }] }]);
    assert.equal(nl.routeList({ table: 100 }), [
      { family: 4, dst: '10.10.0.0/16', table: 100, scope: 0, protocol: 3, type: 1, gw: '10.9.0.1', index: v0, priority: 50, mtu: 1400, advmss: 1360 },
    ]);
    assert.throws(() => nl.routeAdd({ dst: '10.10.0.0/16', gw: '10.9.0.1', table: 100, priority: 50 }), isExists);

    nl.routeReplace({ dst: '10.10.0.0/16', gw: '10.9.0.3', table: 100, priority: 50 });
    t100 = ipJson<any[]>(['route', 'show', 'table', '100'], ns.name);
    assert.is(t100.length, 1);
    assert.is(t100[0].gateway, '10.9.0.3');

    nl.routeAdd({ dst: '10.11.0.0/24', index: v0, src: '10.9.0.2', table: 100 });
    const link = ipJson<any[]>(['route', 'show', 'table', '100', '10.11.0.0/24'], ns.name)[0];
    assert.equal([link.scope, link.prefsrc, link.dev], ['link', '10.9.0.2', 'v0']);

    nl.routeAdd({ dst: '0.0.0.0/0', gw: '10.9.0.1', table: 200 });
    assert.is(ipJson<any[]>(['route', 'show', 'table', '200'], ns.name)[0].dst, 'default');
    assert.equal(nl.routeList({ table: 200 }).map((r) => [r.dst, r.gw]), [['0.0.0.0/0', '10.9.0.1']]);

    nl.routeAdd({ dst: 'fd00:10::/48', gw: 'fd00:9::1', table: 100, priority: 7 });
    const v6 = nl.routeList({ family: 6, table: 100 });
    assert.equal(v6.map((r) => [r.dst, r.gw, r.priority, r.family]), [['fd00:10::/48', 'fd00:9::1', 7, 6]]);
    assert.is(ipJson<any[]>(['-6', 'route', 'show', 'table', '100'], ns.name)[0].dst, 'fd00:10::/48');

    const main = nl.routeList();
    assert.ok(main.some((r) => r.dst === '10.9.0.0/24' && r.protocol === 2 && r.scope === RT_SCOPE.LINK), 'kernel-made prefix route in main');
    assert.ok(main.every((r) => r.table === 254));
    assert.ok(nl.routeList({ table: 0 }).some((r) => r.table === 255), 'table 0 lists the local table too');
    assert.ok(nl.routeList({ table: 100, index: v0 }).length >= 2);
    assert.equal(nl.routeList({ table: 4242 }), [], 'a table that does not exist is empty');
    assert.equal(nl.routeList({ family: 4, table: 4242 }), []);

    nl.routeDel({ dst: '10.10.0.0/16', table: 100 });
    nl.routeDel({ dst: 'fd00:10::/48', table: 100 });
    assert.not.ok(nl.routeList({ table: 100 }).some((r) => r.dst === '10.10.0.0/16' || r.dst === 'fd00:10::/48'));
    assert.throws(() => nl.routeDel({ dst: '10.10.0.0/16', table: 100 }), (e: unknown) => e instanceof NetlinkError && isNotFound(e));
  });
});

test.run();
