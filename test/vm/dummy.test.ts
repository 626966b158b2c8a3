/**
 * dummy on a kernel that has it (the VM lane's guest): the container gets a dummy link, up, with
 * the IPAM plugin's address (its local address answers); CHECK; DEL twice; IPAM released.
 */
import * as assert from 'uvu/assert';
import { ping } from '../helpers/bridge.js';
import { LinkWorld, attach, linkInfo, resultV4, linkSuite } from '../helpers/links.js';

const { t, finish } = linkSuite('dummy (VM lane)');

t('a dummy link with the IPAM address, up; CHECK; DEL twice releases everything', ({ bin }) => {
  const w = new LinkWorld();
  try {
    const ns = w.container();
    const config = w.conf('dummy');
    const add = w.run(bin, 'dummy', { ...attach(ns, 'dummy0'), command: 'ADD', config });
    assert.is(add.code, 0, add.stdout + add.stderr);
    const info = linkInfo(ns, 'dummy0');
    assert.is(info.kind, 'dummy');
    assert.ok(info.link.flags.includes('UP'));
    assert.equal(add.json.interfaces, [{ name: 'dummy0', mac: info.link.address, sandbox: ns.path }]);
    const ip = resultV4(add.json);
    assert.ok(JSON.parse(ns.execOk('ip', ['-j', 'addr', 'show', 'dev', 'dummy0']))[0].addr_info.some((a: any) => a.local === ip));
    assert.ok(ping(ns, ip), 'its address answers');
    const check = w.run(bin, 'dummy', { ...attach(ns, 'dummy0'), command: 'CHECK', config: { ...config, prevResult: add.json } });
    assert.is(check.code, 0, check.stdout + check.stderr);
    for (let i = 0; i < 2; i++) assert.is(w.run(bin, 'dummy', { ...attach(ns, 'dummy0'), command: 'DEL', config }).code, 0, `DEL #${i + 1}`);
    assert.is(ns.exec('ip', ['link', 'show', 'dummy0']).code === 0, false);
    assert.equal(w.reservations(), []);
  } finally {
    w.cleanup();
  }
});

finish();
