/**
 * bridge "macspoofchk" through dist/cni, the plugin run in a private host namespace
 * (test/helpers/hostns.ts): the reference's nftables layout in table bridge nat, traffic from a
 * container that changes its MAC is dropped at its port (and flows again with the right MAC),
 * DEL removes exactly that port's rules, GC removes those of attachments that are not valid.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CniBinDir } from '../helpers/cni.js';
import { HostNsFixture } from '../helpers/hostns.js';
import { ping } from '../helpers/bridge.js';
import type { TestNetns } from '../helpers/netns.js';

const t = suite<{ bin: CniBinDir }>('macspoofchk');
t.before((ctx) => {
  ctx.bin = new CniBinDir();
});
t.after((ctx) => ctx.bin?.dispose());

const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => assert.is(r.code, 0, `${what}: ${r.stdout}${r.stderr}`);
const call = (ns: TestNetns, command: string, config: object, containerId: string) => ({ command, containerId, ifName: 'eth0', netns: ns.path, config });

function bridgeNat(fx: HostNsFixture): string {
  const r = fx.host.exec('nft', ['list', 'table', 'bridge', 'nat']);
  return r.code === 0 ? r.stdout : '';
}

t('a container that changes its MAC can no longer send; the reference layout; DEL removes its rules only', ({ bin }) => {
  const fx = new HostNsFixture();
  try {
    const config = fx.bridgeConf({ isGateway: true, macspoofchk: true });
    const [a, b] = [fx.netns(), fx.netns()];
    const [ida, idb] = [`c-${a.name}`, `c-${b.name}`];
    const ra = fx.run(bin, 'bridge', call(a, 'ADD', config, ida));
    ok(ra, 'ADD a');
    const rb = fx.run(bin, 'bridge', call(b, 'ADD', config, idb));
    ok(rb, 'ADD b');
    const ipB = (rb.json.ips[0].address as string).split('/')[0]!;
    const hostVeth = ra.json.interfaces[1].name as string;
    const macA = ra.json.interfaces[2].mac as string;

    const id = `${ida}-eth0`;
    const table = bridgeNat(fx);
    assert.match(table, 'type filter hook prerouting priority dstnat; policy accept;', 'PREROUTING at priority -300');
    assert.match(table, `iifname "${hostVeth}" jump cni-br-iface-${id} comment "macspoofchk-${id}"`);
    assert.match(table, `chain cni-br-iface-${id} {\n\t\tjump cni-br-iface-${id}-mac comment "macspoofchk-${id}"\n\t}`);
    assert.match(table, `chain cni-br-iface-${id}-mac {\n\t\tether saddr ${macA} return comment "macspoofchk-${id}"\n\t\tdrop comment "macspoofchk-${id}"\n\t}`);

    assert.ok(ping(a, ipB), 'a reaches b with its own MAC');
    a.execOk('ip', ['neigh', 'flush', 'all']);
    a.execOk('ip', ['link', 'set', 'eth0', 'address', '02:00:00:aa:bb:cc']);
    assert.not.ok(ping(a, ipB, 2), 'a spoofed MAC is dropped at the port');
    a.execOk('ip', ['link', 'set', 'eth0', 'address', macA]);
    assert.ok(ping(a, ipB), 'the right MAC passes again');

    ok(fx.run(bin, 'bridge', call(a, 'DEL', config, ida)), 'DEL a');
    const after = bridgeNat(fx);
    assert.not.match(after, ida, 'no rule or chain of a left');
    assert.match(after, `macspoofchk-${idb}-eth0`, "b's rules stay");
    ok(fx.run(bin, 'bridge', call(a, 'DEL', config, ida)), 'second DEL');
  } finally {
    fx.cleanup();
  }
});

t('GC removes the checks of attachments that are not valid and keeps valid ones', ({ bin }) => {
  const fx = new HostNsFixture();
  try {
    const config = fx.bridgeConf({ macspoofchk: true });
    const [a, b] = [fx.netns(), fx.netns()];
    const [ida, idb] = [`c-${a.name}`, `c-${b.name}`];
    ok(fx.run(bin, 'bridge', call(a, 'ADD', config, ida)), 'ADD a');
    ok(fx.run(bin, 'bridge', call(b, 'ADD', config, idb)), 'ADD b');
    const gc = fx.run(bin, 'bridge', { command: 'GC', config: { ...config, 'cni.dev/valid-attachments': [{ containerID: idb, ifname: 'eth0' }] } });
    ok(gc, 'GC');
    const table = bridgeNat(fx);
    assert.not.match(table, ida, "a's check is gone");
    assert.match(table, `chain cni-br-iface-${idb}-eth0-mac`, "b's check stays");
    ok(fx.run(bin, 'bridge', call(b, 'DEL', config, idb)), 'DEL b');
    assert.not.match(bridgeNat(fx), 'cni-br-iface-', 'nothing left after DEL');
  } finally {
    fx.cleanup();
  }
});

t.run();
