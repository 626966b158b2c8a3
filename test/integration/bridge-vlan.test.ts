/**
 * bridge VLANs against the host kernel: access VLAN, trunks, preserveDefaultVlan, VLAN gateway.
 * Kernels built without CONFIG_BRIDGE_VLAN_FILTERING (like these test machines) refuse
 * `vlan_filtering 1` with EOPNOTSUPP: there each test checks instead that ADD fails cleanly
 * (clear message, no veth, no reservation) rather than pretending VLANs work. The VLAN behaviour
 * itself (ports' VLANs, traffic within and across VLANs, trunks, DEL) is tested on a kernel that
 * has it, in the VM lane: test/vm/bridge-vlan.test.ts (`npm run test:vm`). The plugin (and the
 * kernel probe) run inside private namespaces; the last test checks that the real host was left
 * alone.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CniBinDir } from '../helpers/cni.js';
import { Fixture, linkExists } from '../helpers/bridge.js';
import { RealHostGuard } from '../helpers/hostns.js';
import { makeNetns, type TestNetns } from '../helpers/netns.js';

const t = suite<{ bin: CniBinDir; vlans: boolean }>('bridge-vlan');
const realHost = new RealHostGuard();
t.before(async (ctx) => {
  await realHost.take();
  ctx.bin = new CniBinDir();
  ctx.vlans = kernelHasVlanFiltering();
  if (!ctx.vlans) console.log('bridge-vlan: this kernel has no CONFIG_BRIDGE_VLAN_FILTERING: checking clean failures only; VLAN filtering itself runs in the VM lane (test/vm/bridge-vlan.test.ts)');
});

/** Probed in a scratch namespace: the bridge goes with it. */
function kernelHasVlanFiltering(): boolean {
  const scratch = makeNetns('cnibvf');
  try {
    return scratch.exec('ip', ['link', 'add', 'probe0', 'type', 'bridge', 'vlan_filtering', '1']).code === 0;
  } finally {
    scratch.remove();
  }
}

/** Without kernel support: ADD fails naming the cause and leaves nothing behind. */
function expectCleanFailure(bin: CniBinDir, fx: Fixture, ns: TestNetns, config: object): void {
  const portsBefore = fx.host.linkExists(fx.bridge) ? fx.host.bridgePorts(fx.bridge) : [];
  const r = fx.run(bin, 'bridge', { command: 'ADD', containerId: `c-${ns.name}`, netns: ns.path, ifName: 'eth0', config });
  assert.is.not(r.code, 0, r.stdout);
  assert.match(r.json.msg, /EOPNOTSUPP.*CONFIG_BRIDGE_VLAN_FILTERING/);
  assert.not.ok(linkExists('eth0', ns.name), 'no container end');
  if (fx.host.linkExists(fx.bridge)) assert.equal(fx.host.bridgePorts(fx.bridge), portsBefore, 'no new host end');
  assert.equal(fx.reservations(), [], 'no reservation');
}
t.after((ctx) => ctx.bin?.dispose());

function add(bin: CniBinDir, fx: Fixture, ns: TestNetns, config: object) {
  const r = fx.run(bin, 'bridge', { command: 'ADD', containerId: `c-${ns.name}`, netns: ns.path, ifName: 'eth0', config });
  assert.is(r.code, 0, r.stdout + r.stderr);
  return r.json;
}

/** vid -> flags of a host port, with ranges expanded. */
function vlanMap(fx: Fixture, dev: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const v of fx.host.portVlans(dev)) for (let id = v.vlan; id <= (v.vlanEnd ?? v.vlan); id++) out.set(id, v.flags ?? []);
  return out;
}

t('vlan: filtering on, the port is an untagged PVID member; default VLAN kept unless told', ({ bin, vlans }) => {
  const fx = new Fixture({ hostNetns: true });
  try {
    const [a, b] = [fx.netns(), fx.netns()];
    if (!vlans) {
      expectCleanFailure(bin, fx, a, fx.bridgeConf('1.1.0', { vlan: 100 }));
      // A bridge made earlier without VLANs: turning filtering on fails the same way.
      add(bin, fx, b, fx.bridgeConf('1.1.0', { ipam: {} }));
      expectCleanFailure(bin, fx, fx.netns(), fx.bridgeConf('1.1.0', { vlan: 100 }));
      return;
    }
    const kept = add(bin, fx, a, fx.bridgeConf('1.1.0', { vlan: 100, ipam: {} }));
    assert.is(fx.host.link(fx.bridge).linkinfo.info_data.vlan_filtering, 1);
    const keptVlans = vlanMap(fx, kept.interfaces[1].name);
    assert.equal([...keptVlans.keys()].sort((x, y) => x - y), [1, 100]);
    assert.equal(keptVlans.get(100)!.sort(), ['Egress Untagged', 'PVID']);

    const dropped = add(bin, fx, b, fx.bridgeConf('1.1.0', { vlan: 100, preserveDefaultVlan: false, ipam: {} }));
    const droppedVlans = vlanMap(fx, dropped.interfaces[1].name);
    assert.equal([...droppedVlans.keys()], [100], 'VLAN 1 removed from the port');
  } finally {
    fx.cleanup();
  }
});

t('vlanTrunk: ids and ranges tagged on the port', ({ bin, vlans }) => {
  const fx = new Fixture({ hostNetns: true });
  try {
    const ns = fx.netns();
    if (!vlans) return expectCleanFailure(bin, fx, ns, fx.bridgeConf('1.1.0', { vlanTrunk: [{ id: 5 }, { minID: 10, maxID: 13 }] }));
    const r = add(bin, fx, ns, fx.bridgeConf('1.1.0', { vlanTrunk: [{ id: 5 }, { minID: 10, maxID: 13 }], preserveDefaultVlan: false, ipam: {} }));
    assert.is(fx.host.link(fx.bridge).linkinfo.info_data.vlan_filtering, 1);
    const trunk = vlanMap(fx, r.interfaces[1].name);
    assert.equal([...trunk.keys()].sort((x, y) => x - y), [5, 10, 11, 12, 13]);
    for (const [vid, flags] of trunk) assert.equal(flags, [], `VLAN ${vid} is tagged`);
  } finally {
    fx.cleanup();
  }
});

t('vlan + isGateway: the gateway address sits on a <bridge>.<vlan> interface in that VLAN', ({ bin, vlans }) => {
  const fx = new Fixture({ hostNetns: true });
  const gwIface = `${fx.bridge}.42`;
  fx.ownLink(gwIface);
  try {
    const [a, b] = [fx.netns(), fx.netns()];
    if (!vlans) {
      expectCleanFailure(bin, fx, a, fx.bridgeConf('1.1.0', { vlan: 42, isGateway: true }));
      assert.not.ok(fx.host.linkExists(gwIface), 'no VLAN gateway interface');
      return;
    }
    const r = add(bin, fx, a, fx.bridgeConf('1.1.0', { vlan: 42, isGateway: true }));
    assert.is(r.interfaces.length, 4);
    assert.is(r.interfaces[3].name, gwIface);
    assert.equal(fx.host.addresses(gwIface, 'inet'), [`${fx.net.v4Prefix}1/24`]);
    assert.equal(fx.host.addresses(fx.bridge, 'inet'), [], 'not on the bridge itself');
    add(bin, fx, b, fx.bridgeConf('1.1.0', { vlan: 42, isGateway: true }));
    assert.ok(a.exec('ping', ['-c1', '-W2', `${fx.net.v4Prefix}1`]).code === 0, 'gateway reachable inside the VLAN');
  } finally {
    fx.cleanup();
  }
});

t(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

t.run();
