/**
 * The Kubernetes-style chain, flannel (-> bridge -> host-local) then portmap, ADD and DEL through
 * our runtime library (src/runtime), beside the same work done by the Go reference plugins flannel
 * delegates to (bridge + host-local + portmap from /usr/lib/cni, given the delegate config flannel
 * renders). Interleaved rounds in one scratch "host" netns, medians and the ratio.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CNIConfig, RawExec, networkConfFromBytes } from '../src/runtime/index.js';
import { median, table } from './measure.js';
import { REFERENCE_DIR, floorDir, spawnIn } from './reference.js';

const PORTMAP = { type: 'portmap', capabilities: { portMappings: true } };
const CAPABILITY_ARGS = { portMappings: [{ hostPort: 18180, containerPort: 80, protocol: 'tcp' }] };

/** What flannel hands bridge for this subnet.env (FLANNEL_IPMASQ=true: flanneld masquerades). */
function delegateConf(bridge: string, subnet: string, network: string, dataDir: string): object {
  return { type: 'bridge', bridge, hairpinMode: true, isDefaultGateway: true, isGateway: true, ipMasq: false, mtu: 1450, ipam: { type: 'host-local', dataDir, ranges: [[{ subnet }]], routes: [{ dst: network }] } };
}

export async function benchFlannel(cni: string, runs: number): Promise<string> {
  if (!fs.existsSync(path.join(REFERENCE_DIR, 'bridge'))) return `reference plugins not found in ${REFERENCE_DIR}: flannel chain comparison skipped\n`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-bench-flannel-'));
  const ourBin = path.join(tmp, 'bin');
  const hostName = `cni-bench-flhost-${process.pid}`;
  const podNames = [0, 1, 2].map((s) => `cni-bench-flpod-${process.pid}-${s}`);
  try {
    const inst = spawnSync(cni, ['install', ourBin], { encoding: 'utf8' });
    if (inst.status !== 0) throw new Error(inst.stderr);
    for (const n of [hostName, ...podNames]) spawnSync('ip', ['netns', 'add', n]);
    spawnSync('ip', ['netns', 'exec', hostName, 'ip', 'link', 'set', 'lo', 'up']);
    const subnetFile = path.join(tmp, 'subnet.env');
    fs.writeFileSync(subnetFile, 'FLANNEL_NETWORK=10.218.0.0/16\nFLANNEL_SUBNET=10.218.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n');
    const go = { cniVersion: '1.0.0', name: 'bench-flgo', plugins: [delegateConf('cnifg0', '10.218.2.0/24', '10.218.0.0/16', path.join(tmp, 'ipam-go')), PORTMAP] };
    // The floor: the reference's work on this chain, plus one start of ours for each of the two
    // processes the runtime execs in ours (flannel, which runs bridge and host-local in-process; portmap).
    const floor = { ...go, name: 'bench-flfloor', plugins: [delegateConf('cnifF0', '10.218.3.0/24', '10.218.0.0/16', path.join(tmp, 'ipam-floor')), PORTMAP] };
    const floorBin = floorDir(ourBin, ['bridge', 'portmap'], ['host-local'], tmp);
    const ours = {
      cniVersion: '1.0.0',
      name: 'bench-fl',
      plugins: [{ type: 'flannel', subnetFile, dataDir: path.join(tmp, 'flannel'), ipam: { dataDir: path.join(tmp, 'ipam') }, delegate: { bridge: 'cnifl0', hairpinMode: true, isDefaultGateway: true } }, PORTMAP],
    };
    const sides = [
      { dir: REFERENCE_DIR, list: networkConfFromBytes(Buffer.from(JSON.stringify(go))) },
      { dir: ourBin, list: networkConfFromBytes(Buffer.from(JSON.stringify(ours))) },
      { dir: floorBin, list: networkConfFromBytes(Buffer.from(JSON.stringify(floor))) },
    ];
    const hostNs = `/run/netns/${hostName}`;
    const runtimes = sides.map((s) => new CNIConfig({ path: [s.dir], cacheDir: path.join(tmp, 'cache'), exec: new RawExec({ stderr: null, run: spawnIn(hostNs) }) }));
    const times = sides.map(() => ({ add: [] as number[], del: [] as number[] }));
    for (let r = 0; r < runs + 2; r++) {
      for (let s = 0; s < sides.length; s++) {
        const rt = { containerId: `bench-fl-${s}`, netns: `/run/netns/${podNames[s]}`, ifName: 'eth0', capabilityArgs: CAPABILITY_ARGS };
        let t0 = performance.now();
        await runtimes[s]!.addNetworkList(sides[s]!.list, rt);
        const add = performance.now() - t0;
        t0 = performance.now();
        await runtimes[s]!.delNetworkList(sides[s]!.list, rt);
        const del = performance.now() - t0;
        if (r >= 2) {
          times[s]!.add.push(add);
          times[s]!.del.push(del);
        }
      }
    }
    type Side = { add: number; del: number };
    const [g, o, f] = times.map((t) => ({ add: median(t.add), del: median(t.del) })) as [Side, Side, Side];
    const rows: (string | number)[][] = [
      ['Kubernetes chain', 'Go ADD', 'ours ADD', 'floor ADD', 'Go DEL', 'ours DEL', 'floor DEL', 'ours/Go ADD+DEL', 'floor/Go ADD+DEL'],
      ['flannel(bridge+host-local)+portmap', g.add, o.add, f.add, g.del, o.del, f.del, (o.add + o.del) / (g.add + g.del), (f.add + f.del) / (g.add + g.del)],
    ];
    return `${table(rows)}\n(ms, medians of ${runs} rounds, interleaved; Go = bridge + host-local + portmap from ${REFERENCE_DIR} given flannel's delegate config; ours = flannel with bridge and host-local in-process; floor = Go's, with one bare start of ours before bridge and before portmap; all driven by src/runtime in a scratch host netns)\n`;
  } finally {
    for (const n of [hostName, ...podNames]) spawnSync('ip', ['netns', 'delete', n]);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
