/**
 * vlan on a kernel that has 802.1Q (the VM lane's guest): a container on VLAN 100 reaches a peer
 * on VLAN 100 across the master, a container on VLAN 200 in the same subnet does not (nor does it
 * reach the first container); CHECK; DEL; linkInContainer; an MTU above the master's is refused.
 */
import * as assert from 'uvu/assert';
import { ping } from '../helpers/bridge.js';
import { attach, linkInfo, pingOnce, resultV4, linkSuite, withWorld } from '../helpers/links.js';

const { t, finish } = linkSuite('vlan (VM lane)');

t('tagged traffic reaches the peer on the same VLAN id and not one on another; CHECK; DEL', ({ bin }) =>
  withWorld((w) => {
    // The peer answers on VLAN 100 only; its untagged wire0 address is removed.
    w.peer.execOk('ip', ['addr', 'flush', 'dev', 'wire0']);
    w.peer.execOk('ip', ['link', 'add', 'link', 'wire0', 'name', 'wire0.100', 'type', 'vlan', 'id', '100']);
    w.peer.execOk('ip', ['addr', 'add', `${w.peerV4}/24`, 'dev', 'wire0.100']);
    w.peer.execOk('ip', ['link', 'set', 'wire0.100', 'up']);
    const [on100, on200] = [w.container(), w.container()];
    const conf100 = w.conf('vlan', { master: w.master, vlanId: 100 });
    const conf200 = w.conf('vlan', { master: w.master, vlanId: 200, mtu: 1400 });
    const add100 = w.run(bin, 'vlan', { ...attach(on100), command: 'ADD', config: conf100 });
    assert.is(add100.code, 0, add100.stdout + add100.stderr);
    const add200 = w.run(bin, 'vlan', { ...attach(on200), command: 'ADD', config: conf200 });
    assert.is(add200.code, 0, add200.stdout + add200.stderr);
    const info = linkInfo(on100, 'eth0');
    assert.is(info.kind, 'vlan');
    assert.is(info.data.id, 100);
    assert.is(linkInfo(on200, 'eth0').link.mtu, 1400);

    assert.ok(ping(on100, w.peerV4), 'VLAN 100 reaches the peer on VLAN 100');
    assert.not.ok(pingOnce(on200, w.peerV4), 'VLAN 200 must not reach the peer on VLAN 100');
    assert.not.ok(pingOnce(on200, resultV4(add100.json)), 'VLAN 200 must not reach the VLAN 100 container');

    const check = w.run(bin, 'vlan', { ...attach(on100), command: 'CHECK', config: { ...conf100, prevResult: add100.json } });
    assert.is(check.code, 0, check.stdout + check.stderr);
    const wrong = w.run(bin, 'vlan', { ...attach(on100), command: 'CHECK', config: { ...conf100, vlanId: 101, prevResult: add100.json } });
    assert.is(wrong.code, 1, 'CHECK with another VLAN id fails');
    const del = w.run(bin, 'vlan', { ...attach(on100), command: 'DEL', config: conf100 });
    assert.is(del.code, 0, del.stdout + del.stderr);
    assert.is(on100.exec('ip', ['link', 'show', 'eth0']).code === 0, false);
    assert.is(w.reservations().length, 1);
  }),
);

t('linkInContainer: the master inside the container; an MTU above the master is refused', ({ bin }) =>
  withWorld((w) => {
    const ns = w.container();
    w.host.execOk('ip', ['link', 'set', w.master, 'netns', ns.name]);
    ns.execOk('ip', ['link', 'set', w.master, 'up']);
    const config = w.conf('vlan', { master: w.master, vlanId: 7, linkInContainer: true });
    const add = w.run(bin, 'vlan', { ...attach(ns, 'net1'), command: 'ADD', config });
    assert.is(add.code, 0, add.stdout + add.stderr);
    assert.is(linkInfo(ns, 'net1').data.id, 7);
    const big = w.run(bin, 'vlan', { ...attach(ns, 'net2'), command: 'ADD', config: { ...config, mtu: 9000 } });
    assert.is(big.code, 1);
    assert.match(big.json.msg, 'invalid MTU 9000, must be [0, master MTU(1500)]');
  }),
);

finish();
