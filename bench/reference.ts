/**
 * This binary against the Go reference plugins (Debian's containernetworking-plugins in
 * /usr/lib/cni), through the same runtime: our runtime library (src/runtime) drives both with the
 * same configuration lists, one ADD then one DEL per round. Every plugin runs inside a scratch
 * "host" network namespace (spawned from the thread while it is in that namespace), so bridges,
 * sysctls and nat rules never touch the machine's own network.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CNIConfig, RawExec, networkConfFromBytes, runProcess, type NetworkConfigList, type ProcessOutcome, type RunProcess } from '../src/runtime/index.js';
import { withNetns } from '../src/lib/ns/index.js';
import { median, table } from './measure.js';

export const REFERENCE_DIR = '/usr/lib/cni';

/**
 * A plugin directory for the floor of this design on some work: each plugin in `wrapped` is a shell
 * wrapper that runs one start of ours that runs no plugin code (VERSION, answered by the SEA entry
 * before any bundle loads), then execs the reference plugin with the runtime's stdin and
 * environment; each in `direct` is the reference's own (for what ours runs in-process). Ours cannot
 * cost less than that: the reference's work plus the Node start every exec of ours pays.
 */
export function floorDir(ourBin: string, wrapped: readonly string[], direct: readonly string[], under = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(under, 'cni-bench-floor-'));
  for (const plugin of wrapped) {
    const script = `#!/bin/sh\nCNI_COMMAND=VERSION ${path.join(ourBin, 'loopback')} </dev/null >/dev/null || exit 1\nexec ${path.join(REFERENCE_DIR, plugin)}\n`;
    fs.writeFileSync(path.join(dir, plugin), script, { mode: 0o755 });
  }
  for (const plugin of direct) fs.symlinkSync(path.join(REFERENCE_DIR, plugin), path.join(dir, plugin));
  return dir;
}

/** Run each plugin process in `nsPath`: the child inherits the netns of the thread that forks it. */
export function spawnIn(nsPath: string): RunProcess {
  return (file, stdin, env) => {
    let started: Promise<ProcessOutcome> | undefined;
    withNetns(nsPath, () => {
      started = runProcess(file, stdin, env);
    });
    return started!;
  };
}

interface Chain {
  conf: (cniVersion: string, side: number, dataDir: string) => object;
  capabilityArgs?: Record<string, unknown>;
}

const CHAINS: Record<string, Chain> = {
  loopback: { conf: (v, s) => ({ cniVersion: v, name: `bench-lo-${s}`, plugins: [{ type: 'loopback' }] }) },
  'bridge+host-local': {
    conf: (v, s, dataDir) => ({ cniVersion: v, name: `bench-br-${s}`, plugins: [{ type: 'bridge', bridge: `cnibr${s}`, isGateway: true, ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: `10.${212 + s}.1.0/24` }]] } }] }),
  },
  'bridge+host-local+loopback': {
    conf: (v, s, dataDir) => ({ cniVersion: v, name: `bench-brlo-${s}`, plugins: [{ type: 'bridge', bridge: `cnibl${s}`, isGateway: true, ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: `10.${212 + s}.2.0/24` }]] } }, { type: 'loopback' }] }),
  },
  'bridge(ipMasq)+portmap': {
    conf: (v, s, dataDir) => ({
      cniVersion: v,
      name: `bench-pm-${s}`,
      plugins: [
        { type: 'bridge', bridge: `cnipm${s}`, isGateway: true, ipMasq: true, ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: `10.${212 + s}.3.0/24` }]] } },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    }),
    capabilityArgs: { portMappings: [{ hostPort: 18080, containerPort: 80, protocol: 'tcp' }, { hostPort: 18053, containerPort: 53, protocol: 'udp' }] },
  },
};

export async function benchReference(cni: string, runs: number): Promise<string> {
  if (!fs.existsSync(path.join(REFERENCE_DIR, 'bridge'))) {
    return `reference plugins not found in ${REFERENCE_DIR} (apt-get install containernetworking-plugins): comparison skipped\n`;
  }
  const ourBin = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-bench-ours-'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-bench-ref-ipam-'));
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-bench-cache-'));
  const namespaces: string[] = [];
  const netns = (name: string) => {
    spawnSync('ip', ['netns', 'add', name]);
    namespaces.push(name);
    return `/run/netns/${name}`;
  };
  try {
    const inst = spawnSync(cni, ['install', ourBin], { encoding: 'utf8' });
    if (inst.status !== 0) throw new Error(inst.stderr);
    const hostNs = netns(`cni-bench-host-${process.pid}`);
    spawnSync('ip', ['netns', 'exec', `cni-bench-host-${process.pid}`, 'ip', 'link', 'set', 'lo', 'up']);
    // The Debian reference build speaks up to 1.0.0; both sides get the same version.
    const sides = [
      { label: 'reference (Go)', dir: REFERENCE_DIR },
      { label: 'this binary', dir: ourBin },
    ];
    const rows: (string | number)[][] = [['chain', 'Go ADD', 'ours ADD', 'Go DEL', 'ours DEL', 'ours/Go ADD+DEL']];
    for (const [index, [name, chain]] of Object.entries(CHAINS).entries()) {
      const times = sides.map(() => ({ add: [] as number[], del: [] as number[] }));
      const lists: NetworkConfigList[] = sides.map((_, s) => networkConfFromBytes(Buffer.from(JSON.stringify(chain.conf('1.0.0', s, dataDir)))));
      const runtimes = sides.map((s) => new CNIConfig({ path: [s.dir], cacheDir, exec: new RawExec({ stderr: null, run: spawnIn(hostNs) }) }));
      const containers = sides.map((_, s) => netns(`cni-bench-${process.pid}-${index}-${s}`));
      for (let r = 0; r < runs + 2; r++) {
        for (let s = 0; s < sides.length; s++) {
          const rt = { containerId: `bench-${index}-${s}`, netns: containers[s]!, ifName: 'eth0', capabilityArgs: chain.capabilityArgs };
          let t0 = performance.now();
          await runtimes[s]!.addNetworkList(lists[s]!, rt);
          const add = performance.now() - t0;
          t0 = performance.now();
          await runtimes[s]!.delNetworkList(lists[s]!, rt);
          const del = performance.now() - t0;
          if (r >= 2) {
            times[s]!.add.push(add);
            times[s]!.del.push(del);
          }
        }
      }
      const [go, ours] = times.map((t) => ({ add: median(t.add), del: median(t.del) }));
      rows.push([name, go!.add, ours!.add, go!.del, ours!.del, (ours!.add + ours!.del) / (go!.add + go!.del)]);
    }
    return `${table(rows)}\n(ms, medians of ${runs} rounds; both driven by src/runtime, cniVersion 1.0.0, Go plugins from ${REFERENCE_DIR}, all inside a scratch host netns)\n`;
  } finally {
    for (const n of namespaces) spawnSync('ip', ['netns', 'delete', n]);
    for (const d of [ourBin, dataDir, cacheDir]) fs.rmSync(d, { recursive: true, force: true });
  }
}
