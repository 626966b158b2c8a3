/**
 * ipvlan on a kernel that has it (the VM lane's guest): two containers on one master ping each
 * other and the peer in l2 and l3 mode; l3s with linkInContainer; a chained ipvlan taking its
 * master and addresses from the prevResult; CHECK; DEL. Lean: every plugin call costs seconds
 * under emulation.
 */
import * as assert from 'uvu/assert';
import { ping } from '../helpers/bridge.js';
import { attach, linkInfo, resultV4, linkSuite, withWorld } from '../helpers/links.js';

const { t, finish } = linkSuite('ipvlan (VM lane)');

for (const mode of ['l2', 'l3'] as const) {
  t(`mode ${mode}: two containers on one master ping each other${mode === 'l2' ? ' and the peer; CHECK; DEL' : ''}`, ({ bin }) =>
    withWorld((w) => {
      const [a, b] = [w.container(), w.container()];
      const config = w.conf('ipvlan', { master: w.master, mode });
      const addA = w.run(bin, 'ipvlan', { ...attach(a), command: 'ADD', config });
      assert.is(addA.code, 0, addA.stdout + addA.stderr);
      const addB = w.run(bin, 'ipvlan', { ...attach(b), command: 'ADD', config });
      assert.is(addB.code, 0, addB.stdout + addB.stderr);
      const info = linkInfo(a, 'eth0');
      assert.is(info.kind, 'ipvlan');
      assert.is(info.data.mode, mode);
      assert.is(addA.json.interfaces[0].sandbox, a.path);
      assert.ok(ping(a, resultV4(addB.json)), 'a -> b');
      assert.ok(ping(b, resultV4(addA.json)), 'b -> a');
      if (mode !== 'l2') return;
      assert.ok(ping(a, w.peerV4), 'a -> the peer on the wire');
      const check = w.run(bin, 'ipvlan', { ...attach(a), command: 'CHECK', config: { ...config, prevResult: addA.json } });
      assert.is(check.code, 0, check.stdout + check.stderr);
      const del = w.run(bin, 'ipvlan', { ...attach(a), command: 'DEL', config });
      assert.is(del.code, 0, del.stdout + del.stderr);
      assert.is(a.exec('ip', ['link', 'show', 'eth0']).code === 0, false);
      assert.is(w.reservations().length, 1, 'only b still holds an address');
    }),
  );
}

t('mode l3s with linkInContainer: the master inside the container', ({ bin }) =>
  withWorld((w) => {
    const ns = w.container();
    w.host.execOk('ip', ['link', 'set', w.master, 'netns', ns.name]);
    ns.execOk('ip', ['link', 'set', w.master, 'up']);
    const config = w.conf('ipvlan', { master: w.master, mode: 'l3s', linkInContainer: true });
    const add = w.run(bin, 'ipvlan', { ...attach(ns, 'net1'), command: 'ADD', config });
    assert.is(add.code, 0, add.stdout + add.stderr);
    assert.is(linkInfo(ns, 'net1').data.mode, 'l3s');
  }),
);

t('chained: master and addresses from the prevResult when there is no ipam section', ({ bin }) =>
  withWorld((w) => {
    const ns = w.container();
    const ip = `${w.net.v4Prefix}77/24`;
    const prevResult = { cniVersion: '1.1.0', interfaces: [{ name: w.master }], ips: [{ address: ip }] };
    const { ipam: _none, ...base } = w.conf('ipvlan');
    const add = w.run(bin, 'ipvlan', { ...attach(ns), command: 'ADD', config: { ...base, prevResult } });
    assert.is(add.code, 0, add.stdout + add.stderr);
    assert.equal(add.json.ips, [{ address: ip, interface: 0 }]);
    assert.ok(ping(ns, w.peerV4), 'the chained ipvlan reaches the peer');
  }),
);

finish();
