/**
 * This binary against the Go reference plugins (Debian's containernetworking-plugins in
 * /usr/lib/cni), through the same runtime: our runtime library (src/runtime) drives both with the
 * same configuration lists, one ADD then one DEL per round, in a fresh netns per side.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CNIConfig, RawExec, networkConfFromBytes, type NetworkConfigList } from '../src/runtime/index.js';
import { median, table } from './measure.js';

export const REFERENCE_DIR = '/usr/lib/cni';

interface Side {
  label: string;
  dir: string;
  cniVersion: string;
}

function chains(cniVersion: string, tag: string, dataDir: string, index: number): Record<string, object> {
  const subnet = `10.${212 + index}.${tag === 'go' ? 1 : 2}.0/24`;
  const bridge = { type: 'bridge', bridge: `cnib-${tag}${process.pid % 1000}`, isGateway: true, ipam: { type: 'host-local', dataDir, ranges: [[{ subnet }]] } };
  return {
    loopback: { cniVersion, name: `bench-lo-${tag}`, plugins: [{ type: 'loopback' }] },
    'bridge+host-local': { cniVersion, name: `bench-br-${tag}`, plugins: [bridge] },
    'bridge+host-local+loopback': { cniVersion, name: `bench-brlo-${tag}`, plugins: [{ ...bridge, bridge: `${bridge.bridge}l`, ipam: { ...bridge.ipam, ranges: [[{ subnet: subnet.replace(/^10\.(\d+)/, (_, n) => `10.${Number(n) + 4}`) }]] } }, { type: 'loopback' }] },
  };
}

export async function benchReference(cni: string, runs: number): Promise<string> {
  if (!fs.existsSync(path.join(REFERENCE_DIR, 'bridge'))) {
    return `reference plugins not found in ${REFERENCE_DIR} (apt-get install containernetworking-plugins): comparison skipped\n`;
  }
  const ourBin = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-bench-ours-'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-bench-ref-ipam-'));
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-bench-cache-'));
  const namespaces: string[] = [];
  const bridges = new Set<string>();
  try {
    const inst = spawnSync(cni, ['install', ourBin, '--link'], { encoding: 'utf8' });
    if (inst.status !== 0) throw new Error(inst.stderr);
    // The Debian reference build speaks up to 1.0.0; both sides get the same version.
    const sides: Side[] = [
      { label: 'reference (Go)', dir: REFERENCE_DIR, cniVersion: '1.0.0' },
      { label: 'this binary', dir: ourBin, cniVersion: '1.0.0' },
    ];
    const rows: (string | number)[][] = [['chain', 'Go ADD', 'ours ADD', 'Go DEL', 'ours DEL', 'ours/Go ADD+DEL']];
    const names = Object.keys(chains('1.0.0', 'x', dataDir, 0));
    for (const [index, chain] of names.entries()) {
      const perSide: { add: number[]; del: number[] }[] = sides.map(() => ({ add: [], del: [] }));
      const lists: NetworkConfigList[] = sides.map((s, i) => {
        const conf = chains(s.cniVersion, i === 0 ? 'go' : 'ts', dataDir, index)[chain]!;
        for (const p of (conf as { plugins: { bridge?: string }[] }).plugins) if (p.bridge) bridges.add(p.bridge);
        return networkConfFromBytes(Buffer.from(JSON.stringify(conf)));
      });
      const runtimes = sides.map((s) => new CNIConfig({ path: [s.dir], cacheDir, exec: new RawExec({ stderr: null }) }));
      const ns = sides.map((_, i) => {
        const name = `cni-bref-${process.pid}-${index}-${i}`;
        spawnSync('ip', ['netns', 'add', name]);
        namespaces.push(name);
        return `/run/netns/${name}`;
      });
      for (let r = 0; r < runs + 2; r++) {
        for (let i = 0; i < sides.length; i++) {
          const rt = { containerId: `bench-${i}`, netns: ns[i]!, ifName: 'eth0' };
          let t0 = performance.now();
          await runtimes[i]!.addNetworkList(lists[i]!, rt);
          const add = performance.now() - t0;
          t0 = performance.now();
          await runtimes[i]!.delNetworkList(lists[i]!, rt);
          const del = performance.now() - t0;
          if (r >= 2) {
            perSide[i]!.add.push(add);
            perSide[i]!.del.push(del);
          }
        }
      }
      const [go, ours] = perSide.map((p) => ({ add: median(p.add), del: median(p.del) }));
      rows.push([chain, go!.add, ours!.add, go!.del, ours!.del, (ours!.add + ours!.del) / (go!.add + go!.del)]);
    }
    return `${table(rows)}\n(ms, medians of ${runs} rounds; both driven by src/runtime, cniVersion 1.0.0, Go plugins from ${REFERENCE_DIR})\n`;
  } finally {
    for (const n of namespaces) spawnSync('ip', ['netns', 'delete', n]);
    for (const b of bridges) spawnSync('ip', ['link', 'delete', b]);
    for (const d of [ourBin, dataDir, cacheDir]) fs.rmSync(d, { recursive: true, force: true });
  }
}
