/**
 * flannel across two hosts, entirely inside namespaces this test makes. Two "node" namespaces
 * share an underlay (a bridge in a third namespace, which also plays an outside machine); each
 * node has a vxlan device set up the way flanneld's vxlan backend does it (VNI 1, port 8472, no
 * learning, MTU 1450, the node's subnet network address on it, a route to the peer's pod subnet
 * through it, neighbour and FDB entries for the peer's VTEP) and its own subnet.env. Pods are
 * added on both nodes by the runtime library (src/runtime) with the Kubernetes-style conflist,
 * flannel (delegate {hairpinMode, isDefaultGateway}) then portmap, dual-stack; the plugins run
 * in the node namespaces. Proven: pod-to-pod ping and TCP across nodes (v4 and v6), pod to its own
 * node, a hostPort on node A from node B's underlay address, masquerading to the outside machine,
 * CHECK, and DEL leaving nothing behind.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomInt } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { CNIConfig, RawExec, networkConfFromBytes, type NetworkConfigList, type RuntimeConf } from '../../src/runtime/index.js';
import { spawnIn } from '../../bench/reference.js';
import { CniBinDir } from '../helpers/cni.js';
import { uniqueSuffix } from '../helpers/env.js';
import { makeNetns, type TestNetns } from '../helpers/netns.js';
import { RealHostGuard, sourceSeenByPeer, type Peer } from '../helpers/hostns.js';
import { requestSocat, serveSocat } from '../helpers/portmap-world.js';
import { writeSubnetEnv } from '../helpers/flannel.js';
import { ipJson, sh, shOk } from '../helpers/sh.js';

const realHost = new RealHostGuard();
test.before(() => realHost.take());

const VXLAN = 'flannel.1';
const HOST_PORT = 30000 + randomInt(0, 5000);

/** The addresses of one test run: an underlay and a flannel network, both private and random. */
function plan() {
  const ul = `172.${randomInt(16, 32)}.${randomInt(0, 256)}`;
  const ul6 = `fd${randomInt(0x10, 0xff).toString(16)}:${randomInt(1, 0xffff).toString(16)}::`;
  const c = randomInt(150, 200);
  const f6 = `fd${randomInt(0x10, 0xff).toString(16)}:${randomInt(1, 0xffff).toString(16)}`;
  return {
    /** Underlay addresses: node i is .i, the outside machine .3. */
    ul: (i: number) => `${ul}.${i}`,
    ul6: (i: number) => `${ul6}${i}`,
    network: `10.${c}.0.0/16`,
    network6: `${f6}::/48`,
    /** Node i's pod subnet and its network address (what flanneld puts on the vxlan device). */
    subnet: (i: number) => `10.${c}.${i}.0`,
    subnet6: (i: number) => `${f6}:0:${i}::`,
  };
}

type Plan = ReturnType<typeof plan>;

class Node {
  ns: TestNetns;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-flannel-node-'));
  readonly cni: CNIConfig;
  readonly list: NetworkConfigList;
  constructor(readonly i: number, p: Plan, name: string, bin: CniBinDir, track: (ns: TestNetns) => TestNetns) {
    this.ns = track(makeNetns(`cnifl${i}`));
    const subnetFile = writeSubnetEnv(this.dir, { network: p.network, subnet: `${p.subnet(i).replace(/0$/, '1')}/24`, ipv6Network: p.network6, ipv6Subnet: `${p.subnet6(i)}1/64`, mtu: 1450, ipMasq: false });
    // The Kubernetes conflist (kube-flannel.yml's cni-conf.json), with private state dirs.
    const conflist = {
      cniVersion: '1.1.0',
      name,
      plugins: [
        { type: 'flannel', subnetFile, dataDir: path.join(this.dir, 'flannel'), ipam: { dataDir: path.join(this.dir, 'ipam') }, delegate: { hairpinMode: true, isDefaultGateway: true } },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    };
    this.list = networkConfFromBytes(Buffer.from(JSON.stringify(conflist)));
    this.cni = new CNIConfig({ path: [bin.dir], cacheDir: path.join(this.dir, 'cache'), exec: new RawExec({ stderr: null, run: spawnIn(this.ns.path) }) });
  }

  exec(cmd: string, args: string[]): string {
    return this.ns.execOk(cmd, args);
  }
}

/** sysctls of a fresh namespace: lo up, no IPv6 DAD (addresses usable at once). */
function prepare(ns: TestNetns): TestNetns {
  ns.execOk('ip', ['link', 'set', 'lo', 'up']);
  for (const key of ['net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.all.accept_dad=0']) ns.execOk('sysctl', ['-qw', key]);
  return ns;
}

function vtepMac(node: Node): string {
  return ipJson<{ address: string }[]>(['link', 'show', 'dev', VXLAN], node.ns.name)[0]!.address;
}

/** What flanneld's vxlan backend sets up: the device, then per remote lease a route, a neighbour and an FDB entry. */
function vxlanBackend(node: Node, peer: Node, p: Plan): void {
  const j = peer.i;
  const mac = vtepMac(peer);
  node.exec('ip', ['route', 'add', `${p.subnet(j)}/24`, 'via', p.subnet(j), 'dev', VXLAN, 'onlink']);
  node.exec('ip', ['-6', 'route', 'add', `${p.subnet6(j)}/64`, 'via', p.subnet6(j), 'dev', VXLAN, 'onlink']);
  node.exec('ip', ['neigh', 'replace', p.subnet(j), 'lladdr', mac, 'dev', VXLAN, 'nud', 'permanent']);
  node.exec('ip', ['-6', 'neigh', 'replace', p.subnet6(j), 'lladdr', mac, 'dev', VXLAN, 'nud', 'permanent']);
  node.exec('bridge', ['fdb', 'append', mac, 'dev', VXLAN, 'dst', p.ul(j), 'self', 'permanent']);
}

function vxlanDevice(node: Node, p: Plan): void {
  const { i } = node;
  node.exec('ip', ['link', 'add', VXLAN, 'type', 'vxlan', 'id', '1', 'local', p.ul(i), 'dev', 'eth0', 'dstport', '8472', 'nolearning']);
  node.exec('ip', ['link', 'set', VXLAN, 'mtu', '1450', 'up']);
  node.exec('ip', ['addr', 'add', `${p.subnet(i)}/32`, 'dev', VXLAN]);
  node.exec('ip', ['addr', 'add', `${p.subnet6(i)}/128`, 'dev', VXLAN, 'nodad']);
}

function ping(from: TestNetns, addr: string): boolean {
  return sh('ip', ['netns', 'exec', from.name, 'ping', addr.includes(':') ? '-6' : '-4', '-c', '1', '-w', '5', addr]).code === 0;
}

test('two nodes, vxlan like flanneld, Kubernetes conflist through the runtime library: pods talk across nodes, hostPort, masquerade, CHECK, DEL leaves nothing', async () => {
  const p = plan();
  const suffix = uniqueSuffix();
  const name = `cbr0-${suffix}`;
  const bin = new CniBinDir();
  const namespaces: TestNetns[] = [];
  const track = (ns: TestNetns) => (namespaces.push(ns), ns);
  const servers: ChildProcess[] = [];
  const nodes: Node[] = [];
  try {
    // The underlay: a switch in the outside machine's namespace; each node's eth0 plugged into it.
    const outside = prepare(track(makeNetns('cniflx')));
    outside.execOk('ip', ['link', 'add', 'ul0', 'type', 'bridge']);
    outside.execOk('ip', ['link', 'set', 'ul0', 'up']);
    outside.execOk('ip', ['addr', 'add', `${p.ul(3)}/24`, 'dev', 'ul0']);
    outside.execOk('ip', ['addr', 'add', `${p.ul6(3)}/64`, 'dev', 'ul0', 'nodad']);
    for (const i of [1, 2]) {
      const node = new Node(i, p, name, bin, track);
      nodes.push(node);
      prepare(node.ns);
      outside.execOk('ip', ['link', 'add', `ul-${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.ns.name]);
      outside.execOk('ip', ['link', 'set', `ul-${i}`, 'master', 'ul0', 'up']);
      node.exec('ip', ['addr', 'add', `${p.ul(i)}/24`, 'dev', 'eth0']);
      node.exec('ip', ['addr', 'add', `${p.ul6(i)}/64`, 'dev', 'eth0', 'nodad']);
      node.exec('ip', ['link', 'set', 'eth0', 'up']);
      vxlanDevice(node, p);
    }
    const [a, b] = nodes as [Node, Node];
    vxlanBackend(a, b, p);
    vxlanBackend(b, a, p);

    // One pod per node, through the runtime library (plugins run in the node namespace).
    const pods = nodes.map((n) => prepare(track(makeNetns(`cniflp${n.i}`))));
    const rts: RuntimeConf[] = nodes.map((n, k) => ({
      containerId: `pod${n.i}-${suffix}`,
      netns: pods[k]!.path,
      ifName: 'eth0',
      capabilityArgs: { portMappings: [{ hostPort: HOST_PORT, containerPort: 8080, protocol: 'tcp' }] },
    }));
    const results = [];
    for (const [k, n] of nodes.entries()) results.push((await n.cni.addNetworkList(n.list, rts[k]!)).result as { ips: { address: string }[] });
    const ips = results.map((r) => ({ v4: r.ips.map((x) => x.address.split('/')[0]!).find((x) => x.includes('.'))!, v6: r.ips.map((x) => x.address.split('/')[0]!).find((x) => x.includes(':'))! }));
    const [podA, podB] = pods as [TestNetns, TestNetns];
    const [ipA, ipB] = ips as [(typeof ips)[0], (typeof ips)[0]];
    assert.is(ipA.v4, `${p.subnet(1).replace(/0$/, '2')}`);
    assert.is(ipB.v6, `${p.subnet6(2)}2`);
    // MTU from subnet.env; routes to the whole flannel network and the default via cni0.
    assert.is(ipJson<{ mtu: number }[]>(['link', 'show', 'dev', 'eth0'], podA.name)[0]!.mtu, 1450);

    // Pod to pod across nodes, both directions, v4 and v6: ping and TCP.
    assert.ok(ping(podA, ipB.v4), 'ping A -> B v4');
    assert.ok(ping(podB, ipA.v4), 'ping B -> A v4');
    assert.ok(ping(podA, ipB.v6), 'ping A -> B v6');
    assert.ok(ping(podB, ipA.v6), 'ping B -> A v6');
    await serveSocat(podA, 'tcp', 8080, `pong-A-${suffix}`, servers);
    await serveSocat(podB, 'tcp', 8080, `pong-B-${suffix}`, servers);
    assert.is(requestSocat(podA, 'tcp', ipB.v4, 8080), `pong-B-${suffix}`);
    assert.is(requestSocat(podA, 'tcp', ipB.v6, 8080), `pong-B-${suffix}`);
    assert.is(requestSocat(podB, 'tcp', ipA.v4, 8080), `pong-A-${suffix}`);
    // Pod to its own node (the node's underlay address).
    assert.ok(ping(podA, p.ul(1)), 'pod A -> node A');
    assert.ok(ping(podB, p.ul6(2)), 'pod B -> node B v6');
    // hostPort on node A, from node B's underlay address (portmap DNAT in node A).
    assert.is(requestSocat(b.ns, 'tcp', p.ul(1), HOST_PORT), `pong-A-${suffix}`);
    assert.is(requestSocat(b.ns, 'tcp', p.ul6(1), HOST_PORT), `pong-A-${suffix}`);
    // Masquerade (FLANNEL_IPMASQ=false: the bridge delegate masquerades): the outside machine,
    // which has no route to the pod network, sees node A's underlay address.
    const peer: Peer = { ns: outside, peerV4: p.ul(3), peerV6: p.ul6(3), hostV4: p.ul(1), hostV6: p.ul6(1) };
    assert.is(await sourceSeenByPeer(podA, peer, 4), p.ul(1));
    assert.is(await sourceSeenByPeer(podA, peer, 6), p.ul6(1));

    // CHECK through the runtime (flannel CHECKs bridge with the saved config, then portmap).
    for (const [k, n] of nodes.entries()) await n.cni.checkNetworkList(n.list, rts[k]!);

    // DEL on both nodes: nothing of the pods is left.
    for (const [k, n] of nodes.entries()) await n.cni.delNetworkList(n.list, rts[k]!);
    for (const [k, n] of nodes.entries()) {
      const pod = pods[k]!;
      const ip = ips[k]!;
      assert.equal(ipJson<unknown[]>(['link', 'show', 'type', 'veth'], n.ns.name).filter((l) => (l as { ifname: string }).ifname !== 'eth0'), [], 'no host veth');
      assert.is(sh('ip', ['-n', pod.name, 'link', 'show', 'eth0']).code, 1, 'no pod interface');
      const addrs = shOk('ip', ['-n', pod.name, 'addr']);
      assert.not.ok(addrs.includes(ip.v4) || addrs.includes(ip.v6), 'no pod address');
      const rules = n.exec('nft', ['list', 'ruleset']) + n.exec('iptables-save', []) + n.exec('ip6tables-save', []);
      for (const x of [ip.v4, ip.v6, rts[k]!.containerId]) assert.not.ok(rules.includes(x), `no rule mentions ${x}:\n${rules}`);
      assert.equal(fs.readdirSync(path.join(n.dir, 'flannel')), [], 'no saved delegate config');
      const ipamDir = path.join(n.dir, 'ipam', name);
      assert.equal(fs.readdirSync(ipamDir).filter((f) => f.includes('.') && !f.startsWith('last_reserved') || f.includes(':')), [], 'no IPAM reservation');
    }
  } finally {
    for (const s of servers) {
      try {
        if (s.pid) process.kill(-s.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const ns of namespaces.reverse()) ns.remove();
    for (const n of nodes) fs.rmSync(n.dir, { recursive: true, force: true });
    bin.dispose();
  }
});

test(RealHostGuard.TEST_NAME, () => realHost.assertUnchanged());

test.run();
