/**
 * vrf on the host lane. These machines' kernel has no VRF support: here the plugin is checked up
 * to the point where it would make a VRF (the errors found before, with the reference's
 * messages, and nothing changed), and that making one fails cleanly, naming the cause. The VRF
 * behaviour itself (enslaving, routes moved, two VRFs with one address, traffic, DEL) runs in the
 * VM lane: test/vm/vrf.test.ts (`npm run test:vm`). Everything happens in the test's namespaces.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CniBinDir } from '../helpers/cni.js';
import { makeNetns, type TestNetns } from '../helpers/netns.js';
import { ipJson } from '../helpers/sh.js';
import { RealHostGuard } from '../helpers/hostns.js';

const t = suite<{ bin: CniBinDir; ns: TestNetns; vrfs: boolean }>('vrf (host lane)');
const realHost = new RealHostGuard();
t.before(async (ctx) => {
  await realHost.take();
  ctx.bin = new CniBinDir();
  ctx.ns = makeNetns('cnivrf');
  ctx.vrfs = ctx.ns.exec('ip', ['link', 'add', 'probe0', 'type', 'vrf', 'table', '10']).code === 0;
  if (ctx.vrfs) ctx.ns.execOk('ip', ['link', 'del', 'probe0']);
  else console.log('vrf: this kernel has no VRF support: checking errors and clean failure only; VRFs themselves run in the VM lane (test/vm/vrf.test.ts)');
  // Two veth ends stand for container interfaces (the host kernel has no dummy links either).
  for (const args of [['link', 'add', 'ceth0', 'type', 'veth', 'peer', 'name', 'ceth1'], ['addr', 'add', '10.0.0.2/24', 'dev', 'ceth0'], ['link', 'set', 'ceth0', 'up'], ['link', 'set', 'ceth1', 'up']]) {
    ctx.ns.execOk('ip', args);
  }
});
t.after((ctx) => {
  ctx.ns?.remove();
  ctx.bin?.dispose();
});

function conf(ns: TestNetns, vrfname: string, dev: string, extra: Record<string, unknown> = {}) {
  return {
    cniVersion: '1.0.0',
    name: 'vrftest',
    type: 'vrf',
    vrfname,
    ...extra,
    prevResult: { cniVersion: '1.0.0', interfaces: [{ name: dev, sandbox: ns.path }], ips: [{ address: '10.0.0.2/24', interface: 0 }] },
  };
}

const linkNames = (ns: TestNetns) => ipJson<any[]>(['link', 'show'], ns.name).map((l) => l.ifname as string).sort();
const add = (bin: CniBinDir, ns: TestNetns, dev: string, config: object) => bin.run('vrf', { command: 'ADD', containerId: 'c-vrf', netns: ns.path, ifName: dev, config });

t('config and chaining errors: code 7 with the reference messages', ({ bin, ns }) => {
  const noName = add(bin, ns, 'ceth0', { ...conf(ns, 'x', 'ceth0'), vrfname: '' });
  assert.is(noName.json.code, 7);
  assert.is(noName.json.msg, 'configuration is expected to have a valid vrf name');
  const { prevResult: _p, ...bare } = conf(ns, 'vrf0', 'ceth0');
  const noPrev = add(bin, ns, 'ceth0', bare);
  assert.is(noPrev.json.code, 7);
  assert.is(noPrev.json.msg, 'missing prevResult from earlier plugin');
  const reserved = add(bin, ns, 'ceth0', conf(ns, 'vrf0', 'ceth0', { table: 254 }));
  assert.is(reserved.json.code, 7);
  assert.match(reserved.json.msg, /table 254 is reserved/);
  const noNetns = bin.run('vrf', { command: 'ADD', containerId: 'c-vrf', netns: '/run/netns/cni-vrf-gone', ifName: 'ceth0', config: conf(ns, 'vrf0', 'ceth0') });
  assert.is(noNetns.json.code, 8);
});

t('errors found before a VRF is made: the reference messages, nothing changed', ({ bin, ns }) => {
  const before = linkNames(ns);
  const missing = add(bin, ns, 'nosuch0', conf(ns, 'vrf0', 'nosuch0'));
  assert.is(missing.json.code, 999);
  assert.is(missing.json.msg, 'cmdAdd failed: could not get link by name nosuch0');
  ns.execOk('ip', ['link', 'add', 'br0', 'type', 'bridge']);
  try {
    ns.execOk('ip', ['link', 'set', 'ceth1', 'master', 'br0']);
    const mastered = add(bin, ns, 'ceth1', conf(ns, 'vrf0', 'ceth1'));
    assert.is(mastered.json.msg, 'cmdAdd failed: interface ceth1 has already a master set: br0');
    const notVrf = add(bin, ns, 'ceth0', conf(ns, 'br0', 'ceth0'));
    assert.is(notVrf.json.msg, 'cmdAdd failed: Netlink br0 is not a VRF');
    assert.equal(linkNames(ns), [...before, 'br0'].sort(), 'no VRF made');
  } finally {
    ns.execOk('ip', ['link', 'del', 'br0']);
  }
});

t('ADD makes the VRF, or without kernel VRF support fails naming the cause and changes nothing; DEL and CHECK follow', ({ bin, ns, vrfs }) => {
  const before = linkNames(ns);
  const r = add(bin, ns, 'ceth0', conf(ns, 'vrf0', 'ceth0'));
  if (vrfs) {
    assert.is(r.code, 0, r.stdout);
    assert.is(ipJson<any[]>(['link', 'show', 'dev', 'ceth0'], ns.name)[0].master, 'vrf0');
    assert.is(bin.run('vrf', { command: 'DEL', containerId: 'c-vrf', netns: ns.path, ifName: 'ceth0', config: conf(ns, 'vrf0', 'ceth0') }).code, 0);
    assert.equal(linkNames(ns), before, 'VRF gone with its last port');
    return;
  }
  assert.is(r.json.code, 999);
  assert.match(r.json.msg, /^cmdAdd failed: could not add VRF vrf0: link add vrf0 \(vrf\): EOPNOTSUPP/);
  assert.equal(linkNames(ns), before);
  const del = bin.run('vrf', { command: 'DEL', containerId: 'c-vrf', netns: ns.path, ifName: 'ceth0', config: conf(ns, 'vrf0', 'ceth0') });
  assert.is(del.code, 0, 'DEL of what was never made');
  const check = bin.run('vrf', { command: 'CHECK', containerId: 'c-vrf', netns: ns.path, ifName: 'ceth0', config: conf(ns, 'vrf0', 'ceth0') });
  assert.is(check.json.msg, 'VRF vrf0 not found');
});

t(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

t.run();
