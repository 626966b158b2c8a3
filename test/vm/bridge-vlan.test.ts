/**
 * bridge VLANs on a kernel with VLAN filtering (the VM lane): access VLANs (PVID, untagged),
 * preserveDefaultVlan, trunks with id ranges, checked with `bridge -j vlan show` and with traffic:
 * containers on one VLAN reach each other, on different VLANs they do not, and a trunk port's
 * tagged sub-interface reaches an access port of its VLAN. DEL removes the ports and reservations.
 * The plugin runs in a private host namespace per test.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CniBinDir } from '../helpers/cni.js';
import { Fixture } from '../helpers/bridge.js';
import { RealHostGuard } from '../helpers/hostns.js';
import type { TestNetns } from '../helpers/netns.js';

const t = suite<{ bin: CniBinDir }>('bridge-vlan (VM)');
const realHost = new RealHostGuard();
t.before(async (ctx) => {
  await realHost.take();
  ctx.bin = new CniBinDir();
});
t.after((ctx) => ctx.bin?.dispose());

function call(fx: Fixture, bin: CniBinDir, command: string, ns: TestNetns, config: object) {
  const r = fx.run(bin, 'bridge', { command, containerId: `c-${ns.name}`, netns: ns.path, ifName: 'eth0', config });
  assert.is(r.code, 0, `${command}: ${r.stdout}${r.stderr}`);
  return r.json;
}

/** vid -> flags of a host port, ranges expanded. */
function vlanMap(fx: Fixture, dev: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const v of fx.host.portVlans(dev)) for (let id = v.vlan; id <= (v.vlanEnd ?? v.vlan); id++) out.set(id, (v.flags ?? []).slice().sort());
  return out;
}

const ids = (m: Map<number, string[]>) => [...m.keys()].sort((x, y) => x - y);
const addrOf = (result: any) => (result.ips[0].address as string).split('/')[0]!;
const pings = (ns: TestNetns, addr: string) => ns.exec('ping', ['-c1', '-W1', addr]).code === 0;

t('access VLANs: PVID and untagged on the port, default VLAN kept; one VLAN talks, two VLANs do not; DEL cleans up', ({ bin }) => {
  const fx = new Fixture({ hostNetns: true });
  try {
    const [a, b, c] = [fx.netns(), fx.netns(), fx.netns()];
    const conf100 = fx.bridgeConf('1.1.0', { vlan: 100 });
    const ra = call(fx, bin, 'ADD', a, conf100);
    const rb = call(fx, bin, 'ADD', b, conf100);
    const rc = call(fx, bin, 'ADD', c, fx.bridgeConf('1.1.0', { vlan: 200 }));
    assert.is(fx.host.link(fx.bridge).linkinfo.info_data.vlan_filtering, 1);
    const portA = vlanMap(fx, ra.interfaces[1].name);
    assert.equal(ids(portA), [1, 100], 'VLAN 100 added, default VLAN 1 kept (preserveDefaultVlan)');
    assert.equal(portA.get(100), ['Egress Untagged', 'PVID']);
    assert.equal(portA.get(1), ['Egress Untagged'], 'VLAN 1 kept untagged, no longer the PVID');
    assert.equal(vlanMap(fx, rc.interfaces[1].name).get(200), ['Egress Untagged', 'PVID']);

    assert.ok(pings(a, addrOf(rb)), 'a and b share VLAN 100');
    assert.ok(pings(b, addrOf(ra)), 'and back');
    assert.not.ok(pings(a, addrOf(rc)), 'c on VLAN 200 is out of reach');
    assert.not.ok(pings(c, addrOf(rb)), 'and a VLAN 100 member out of reach for c');

    for (const ns of [a, b, c]) call(fx, bin, 'DEL', ns, conf100);
    assert.equal(fx.host.bridgePorts(fx.bridge), [], 'no ports left');
    assert.equal(fx.reservations(), [], 'no reservation left');
    call(fx, bin, 'DEL', a, conf100);
  } finally {
    fx.cleanup();
  }
});

t('trunk: tagged ids and ranges on the port, no PVID; a tagged sub-interface reaches an access port of its VLAN', ({ bin }) => {
  const fx = new Fixture({ hostNetns: true });
  try {
    const [access, trunk] = [fx.netns(), fx.netns()];
    const ra = call(fx, bin, 'ADD', access, fx.bridgeConf('1.1.0', { vlan: 5, preserveDefaultVlan: false }));
    const trunkConf = fx.bridgeConf('1.1.0', { vlanTrunk: [{ id: 5 }, { minID: 10, maxID: 13 }], preserveDefaultVlan: false, ipam: {} });
    const rt = call(fx, bin, 'ADD', trunk, trunkConf);
    const accessPort = vlanMap(fx, ra.interfaces[1].name);
    assert.equal(ids(accessPort), [5], 'VLAN 1 removed from the access port');
    assert.equal(accessPort.get(5), ['Egress Untagged', 'PVID']);
    const trunkPort = vlanMap(fx, rt.interfaces[1].name);
    assert.equal(ids(trunkPort), [5, 10, 11, 12, 13]);
    for (const [vid, flags] of trunkPort) assert.equal(flags, [], `VLAN ${vid} tagged, not PVID`);

    trunk.execOk('ip', ['link', 'add', 'link', 'eth0', 'name', 'eth0.5', 'type', 'vlan', 'id', '5']);
    trunk.execOk('ip', ['addr', 'add', `${fx.net.v4Prefix}200/24`, 'dev', 'eth0.5']);
    trunk.execOk('ip', ['link', 'set', 'eth0.5', 'up']);
    assert.ok(pings(access, `${fx.net.v4Prefix}200`), 'VLAN 5 tagged on the trunk reaches the VLAN 5 access port');
    trunk.execOk('ip', ['link', 'del', 'eth0.5']);
    trunk.execOk('ip', ['link', 'add', 'link', 'eth0', 'name', 'eth0.11', 'type', 'vlan', 'id', '11']);
    trunk.execOk('ip', ['addr', 'add', `${fx.net.v4Prefix}201/24`, 'dev', 'eth0.11']);
    trunk.execOk('ip', ['link', 'set', 'eth0.11', 'up']);
    assert.not.ok(pings(access, `${fx.net.v4Prefix}201`), 'VLAN 11 on the trunk does not reach VLAN 5');

    call(fx, bin, 'DEL', trunk, trunkConf);
    call(fx, bin, 'DEL', access, fx.bridgeConf('1.1.0', { vlan: 5, preserveDefaultVlan: false }));
    assert.equal(fx.host.bridgePorts(fx.bridge), []);
  } finally {
    fx.cleanup();
  }
});

t('vlan + isGateway: the gateway address sits on the <bridge>.<vlan> veth, an access port of that VLAN, and answers it', ({ bin }) => {
  const fx = new Fixture({ hostNetns: true });
  const gwIface = `${fx.bridge}.42`;
  try {
    const [a, b] = [fx.netns(), fx.netns()];
    const conf = fx.bridgeConf('1.1.0', { vlan: 42, isGateway: true });
    const r = call(fx, bin, 'ADD', a, conf);
    assert.is(r.interfaces.length, 4);
    assert.is(r.interfaces[3].name, gwIface);
    assert.equal(fx.host.addresses(gwIface, 'inet'), [`${fx.net.v4Prefix}1/24`]);
    assert.equal(fx.host.addresses(fx.bridge, 'inet'), [], 'not on the bridge itself');
    const gwPorts = fx.host.bridgePorts(fx.bridge).filter((p) => p !== r.interfaces[1].name);
    assert.is(gwPorts.length, 1, 'the gateway veth has one port on the bridge');
    assert.equal(vlanMap(fx, gwPorts[0]!).get(42), ['Egress Untagged', 'PVID'], 'an access port of VLAN 42');
    call(fx, bin, 'ADD', b, conf);
    assert.ok(pings(a, `${fx.net.v4Prefix}1`), 'gateway reachable inside the VLAN');
    assert.ok(pings(b, addrOf(r)), 'and the containers reach each other');
    for (const ns of [a, b]) call(fx, bin, 'DEL', ns, conf);
    assert.equal(fx.reservations(), []);
  } finally {
    fx.cleanup();
  }
});

t(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

t.run();
