/**
 * Profile-guided V8 code cache for dist/cni: run real plugin invocations of the bundle (through
 * tools/warm-code-cache.cjs, with the SEA base Node) and keep the code cache they leave, so a
 * plugin start finds the functions it runs already compiled. Each pass starts from the previous
 * pass's cache and adds what it compiled. The plugin passes run inside a scratch "host" netns
 * (`ip netns exec`), so their bridge and sysctls never touch the build machine's own network.
 * Needs root and iproute2; without them, or if a pass fails, the cache holds what the passes so
 * far compiled (at least the top level).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

interface Pass {
  args: string;
  env: Record<string, string>;
  stdin: string;
}

export interface WarmOptions {
  node: string;
  bundle: string;
  koffiNative: string;
  out: string;
  log: (s: string) => void;
}

const HELPER = path.join(path.dirname(new URL(import.meta.url).pathname), 'warm-code-cache.cjs');

function runPass(o: WarmOptions, cacheIn: string | undefined, out: string, pass: Pass, hostNs?: string): boolean {
  const env = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', CNI_WARMUP_KOFFI_NATIVE: o.koffiNative, WARM_ARGS: pass.args, ...pass.env };
  const argv = [o.node, HELPER, o.bundle, out, cacheIn ?? ''];
  const [cmd, ...args] = hostNs ? ['ip', 'netns', 'exec', hostNs, ...argv] : argv;
  const r = spawnSync(cmd!, args, { env, input: pass.stdin, encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 && fs.existsSync(out);
}

export function warmCodeCache(o: WarmOptions): void {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-warm-'));
  const ns = `cni-warm-${process.pid}`;
  const hostNs = `cni-warm-host-${process.pid}`;
  const bridge = 'cniwarm0';
  let cache: string | undefined;
  try {
    // Pass 0 compiles only the top level: the floor when nothing else can run.
    const floor = path.join(scratch, 'c0');
    if (!runPass(o, undefined, floor, { args: 'loopback', env: { CNI_COMMAND: 'VERSION' }, stdin: '' })) throw new Error('the bundle does not start');
    cache = floor;
    const root = process.getuid?.() === 0 && spawnSync('ip', ['netns', 'add', ns]).status === 0 && spawnSync('ip', ['netns', 'add', hostNs]).status === 0;
    if (!root) {
      o.log('code cache: not root (or no iproute2), top-level code only\n');
      return;
    }
    // An IPAM stand-in for the bridge pass: outside the executable delegation execs, and the
    // host-local code is warmed by its own pass.
    const fakeIpam = path.join(scratch, 'bin');
    fs.mkdirSync(fakeIpam);
    fs.writeFileSync(path.join(fakeIpam, 'host-local'), `#!/bin/sh\ncat >/dev/null\nif [ "$CNI_COMMAND" = ADD ]; then echo '{"cniVersion":"1.1.0","ips":[{"address":"10.254.99.2/24","gateway":"10.254.99.1"}],"routes":[{"dst":"0.0.0.0/0"}]}'; fi\n`, { mode: 0o755 });
    const dataDir = path.join(scratch, 'ipam');
    const common = { CNI_CONTAINERID: 'warm', CNI_NETNS: `/run/netns/${ns}`, CNI_IFNAME: 'eth0', CNI_PATH: fakeIpam };
    const bridgeConf = JSON.stringify({ cniVersion: '1.1.0', name: 'warm', type: 'bridge', bridge, isGateway: true, ipam: { type: 'host-local' } });
    const ipamConf = JSON.stringify({ cniVersion: '1.1.0', name: 'warm', type: 'host-local', ipam: { type: 'host-local', dataDir, ranges: [[{ subnet: '10.254.99.0/24' }]] } });
    const loConf = JSON.stringify({ cniVersion: '1.1.0', name: 'warm', type: 'loopback' });
    const passes: [string, Pass][] = [
      ['bridge ADD', { args: 'bridge', env: { ...common, CNI_COMMAND: 'ADD' }, stdin: bridgeConf }],
      ['bridge DEL', { args: 'bridge', env: { ...common, CNI_COMMAND: 'DEL' }, stdin: bridgeConf }],
      ['host-local ADD', { args: 'host-local', env: { ...common, CNI_COMMAND: 'ADD' }, stdin: ipamConf }],
      ['host-local DEL', { args: 'host-local', env: { ...common, CNI_COMMAND: 'DEL' }, stdin: ipamConf }],
      ['loopback ADD', { args: 'loopback', env: { ...common, CNI_COMMAND: 'ADD' }, stdin: loConf }],
      ['loopback DEL', { args: 'loopback', env: { ...common, CNI_COMMAND: 'DEL' }, stdin: loConf }],
    ];
    const done: string[] = [];
    for (const [i, [label, pass]] of passes.entries()) {
      const next = path.join(scratch, `c${i + 1}`);
      if (!runPass(o, cache, next, pass, hostNs)) {
        o.log(`code cache: warm-up pass "${label}" failed; keeping the passes before it\n`);
        break;
      }
      cache = next;
      done.push(label);
    }
    o.log(`code cache warmed by: ${done.join(', ')}\n`);
  } finally {
    if (cache) fs.copyFileSync(cache, o.out);
    spawnSync('ip', ['netns', 'delete', ns]);
    spawnSync('ip', ['netns', 'delete', hostNs]); // takes the bridge and the host veths with it
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
