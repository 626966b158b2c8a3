/**
 * Profile-guided V8 code caches for dist/cni: run real plugin invocations of the bundles (through
 * tools/warm-code-cache.cjs, with the SEA base Node) and keep the code cache they leave, so a
 * plugin start finds the functions it runs already compiled. One cache per plugin, for its own
 * bundle: src/sea/main.cts picks the one named after the invoked plugin, else the whole bundle's
 * top-level-only floor (the CLI).
 * Passes of a plugin run in order, each starting from the previous pass's cache. The plugin passes
 * run inside scratch namespaces (`ip netns exec` for the "host"), so their bridges, sysctls and
 * rules never touch the build machine's own network. Needs root and iproute2; without them, or
 * when a pass fails, a plugin gets what the passes before compiled (at least the floor).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

interface Pass {
  args: string;
  env: Record<string, string>;
  stdin: string;
  /** Sets the stage for the passes after it (a bridge for portmap): run, but its code kept out of the cache. */
  setup?: boolean;
}

export interface WarmOptions {
  node: string;
  /** Node/V8 options the executable runs with (its SEA execArgv): the caches must be made under them. */
  nodeArgs?: readonly string[];
  /** The whole bundle (CLI and plugins): the floor cache is made for it. */
  bundle: string;
  /** Each plugin the executable serves, with its own bundle: one cache each, made for that bundle. */
  pluginBundles: Readonly<Record<string, string>>;
  koffiNative: string;
  /** Directory for the caches: `floor`, one file per plugin, and `cli-<subcommand>` for `cni run` and `cni exec`. */
  outDir: string;
  log: (s: string) => void;
}

const HELPER = path.join(path.dirname(new URL(import.meta.url).pathname), 'warm-code-cache.cjs');

function runPass(o: WarmOptions, bundle: string, cacheIn: string | undefined, out: string, pass: Pass, hostNs?: string): boolean {
  const env = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', CNI_WARMUP_KOFFI_NATIVE: o.koffiNative, WARM_ARGS: pass.args, ...pass.env };
  const argv = [o.node, ...(o.nodeArgs ?? []), HELPER, bundle, out, cacheIn ?? ''];
  const [cmd, ...args] = hostNs ? ['ip', 'netns', 'exec', hostNs, ...argv] : argv;
  const r = spawnSync(cmd!, args, { env, input: pass.stdin, encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 && fs.existsSync(out);
}

/**
 * The invocations that warm each plugin's cache, in order (ADD before DEL). CNI_PATH holds every
 * plugin as a symlink to the warm-up's own node, and CNI_WARMUP_IN_PROCESS=1 makes a delegation to
 * one of them run in-process (src/invoke/own.ts), as it does in the executable: so bridge's cache
 * holds the host-local code it runs, and flannel's the bridge and host-local code.
 */
function workloads(o: WarmOptions, scratch: string, ns: string, bridge: string): Record<string, Pass[]> {
  const ownBin = path.join(scratch, 'bin');
  fs.mkdirSync(ownBin, { recursive: true });
  for (const p of Object.keys(o.pluginBundles)) fs.symlinkSync(o.node, path.join(ownBin, p));
  const common = { CNI_CONTAINERID: 'warm', CNI_NETNS: `/run/netns/${ns}`, CNI_IFNAME: 'eth0', CNI_PATH: ownBin, CNI_WARMUP_IN_PROCESS: '1' };
  const pass = (plugin: string, command: string, conf: object, ifName = 'eth0'): Pass => ({ args: plugin, env: { ...common, CNI_IFNAME: ifName, CNI_COMMAND: command }, stdin: JSON.stringify(conf) });
  const v = '1.1.0';
  const hostLocalIpam = { type: 'host-local', dataDir: path.join(scratch, 'ipam'), ranges: [[{ subnet: '10.254.99.0/24' }]], routes: [{ dst: '0.0.0.0/0' }] };
  const ipam = { cniVersion: v, name: 'warm', type: 'host-local', ipam: hostLocalIpam };
  const hostLocal = [pass('host-local', 'ADD', ipam), pass('host-local', 'DEL', ipam)];
  const bridgeConf = { cniVersion: v, name: 'warm', type: 'bridge', bridge, isGateway: true, ipMasq: true, ipam: hostLocalIpam };
  const ptpConf = { cniVersion: v, name: 'warm', type: 'ptp', ipMasq: true, ipam: hostLocalIpam };
  const lo = { cniVersion: v, name: 'warm', type: 'loopback' };
  // What the bridge pass returned, near enough for the meta plugins that follow it in a chain.
  const prevResult = {
    cniVersion: v,
    interfaces: [{ name: bridge }, { name: 'veth0' }, { name: 'eth0', sandbox: `/run/netns/${ns}` }],
    ips: [{ interface: 2, address: '10.254.99.2/24', gateway: '10.254.99.1' }],
  };
  const portMappings = [{ hostPort: 18081, containerPort: 80, protocol: 'tcp' }, { hostPort: 18082, containerPort: 53, protocol: 'udp' }];
  const portmap = { cniVersion: v, name: 'warm', type: 'portmap', runtimeConfig: { portMappings }, prevResult };
  const firewall = { cniVersion: v, name: 'warm', type: 'firewall', prevResult };
  fs.writeFileSync(path.join(scratch, 'subnet.env'), 'FLANNEL_NETWORK=10.254.0.0/16\nFLANNEL_SUBNET=10.254.99.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n');
  const flannel = { cniVersion: v, name: 'warm', type: 'flannel', subnetFile: path.join(scratch, 'subnet.env'), dataDir: path.join(scratch, 'flannel'), ipam: { dataDir: path.join(scratch, 'ipam') }, delegate: { bridge, hairpinMode: true, isDefaultGateway: true } };
  const tuning = { cniVersion: v, name: 'warm', type: 'tuning', dataDir: path.join(scratch, 'tuning'), mtu: 1400, sysctl: { 'net.ipv4.conf.IFNAME.arp_filter': '1' }, prevResult };
  const sbr = { cniVersion: v, name: 'warm', type: 'sbr', prevResult };
  // The meta plugins need the bridge in place (routes to the container), made by a bridge pass.
  // Set up as stage only: bridge's code in portmap's cache would cost every portmap start its load.
  const bridgeUp = { ...pass('bridge', 'ADD', bridgeConf), setup: true };
  const bridgeDown = { ...pass('bridge', 'DEL', bridgeConf), setup: true };
  const withBridge = (passes: Pass[]) => [bridgeUp, ...passes, bridgeDown];
  return {
    loopback: [pass('loopback', 'ADD', lo), pass('loopback', 'DEL', lo)],
    bridge: [pass('bridge', 'ADD', bridgeConf), pass('bridge', 'DEL', bridgeConf)],
    ptp: [pass('ptp', 'ADD', ptpConf), pass('ptp', 'DEL', ptpConf)],
    'host-local': hostLocal,
    portmap: withBridge([pass('portmap', 'ADD', portmap), pass('portmap', 'DEL', portmap)]),
    firewall: withBridge([pass('firewall', 'ADD', firewall), pass('firewall', 'DEL', firewall)]),
    // The host veth's name is random, so only DEL (config, clock, veth lookup, IFB removal) warms.
    bandwidth: withBridge([pass('bandwidth', 'DEL', { cniVersion: v, name: 'warm', type: 'bandwidth', ingressRate: 8000000, ingressBurst: 80000, egressRate: 8000000, egressBurst: 80000, prevResult })]),
    flannel: [pass('flannel', 'ADD', flannel), pass('flannel', 'DEL', flannel)],
    // macvlan on the warm-up bridge as its master (a bridge DEL leaves the bridge); tap needs none.
    macvlan: [bridgeUp, bridgeDown, pass('macvlan', 'ADD', { ...ptpConf, type: 'macvlan', master: bridge }), pass('macvlan', 'DEL', { ...ptpConf, type: 'macvlan', master: bridge })],
    tap: [pass('tap', 'ADD', { ...ptpConf, type: 'tap', multiQueue: true }), pass('tap', 'DEL', { ...ptpConf, type: 'tap' })],
    tuning: withBridge([pass('tuning', 'ADD', tuning), pass('tuning', 'DEL', tuning)]),
    sbr: withBridge([pass('sbr', 'ADD', sbr), pass('sbr', 'DEL', sbr)]),
    // Build hosts may lack VRFs: a DEL (no such VRF: success) warms config, netns and link lookups.
    vrf: withBridge([pass('vrf', 'DEL', { cniVersion: v, name: 'warm', type: 'vrf', vrfname: 'warm-vrf', prevResult })]),
  };
}

/**
 * The CLI subcommands that run our plugins in-process (`cni run`, `cni exec`), on the whole bundle:
 * yargs, the runtime library and the plugins they run. CNI_WARMUP_IN_PROCESS makes plain node take
 * the executable's in-process path for plugins that are symlinks to it (src/invoke/own.ts).
 */
function cliWorkloads(o: WarmOptions, scratch: string, ns: string): Record<string, Pass[]> {
  const confDir = path.join(scratch, 'cli-conf');
  const bin = path.join(scratch, 'cli-bin');
  fs.mkdirSync(confDir, { recursive: true });
  fs.mkdirSync(bin, { recursive: true });
  for (const p of Object.keys(o.pluginBundles)) fs.symlinkSync(o.node, path.join(bin, p));
  // The embedded default network of `cni run`, with its addresses kept in the scratch directory.
  const conflist = {
    cniVersion: '1.1.0',
    name: 'warmnet',
    plugins: [
      { type: 'bridge', bridge: 'cniwarm1', isGateway: true, ipMasq: true, ipam: { type: 'host-local', dataDir: path.join(scratch, 'cli-ipam'), ranges: [[{ subnet: '10.254.98.0/24' }]], routes: [{ dst: '0.0.0.0/0' }] } },
      { type: 'loopback' },
    ],
  };
  fs.writeFileSync(path.join(confDir, '10-warmnet.conflist'), JSON.stringify(conflist));
  const env = { CNI_WARMUP_IN_PROCESS: '1' };
  const common = `--conf-dir ${confDir} --cache-dir ${path.join(scratch, 'cli-cache')}`;
  const exec = (action: string): Pass => ({ args: `exec ${action} warmnet /run/netns/${ns} --ifname eth1 --cni-path ${bin} ${common}`, env, stdin: '' });
  return {
    run: [{ args: `run ${common} -- true`, env, stdin: '' }],
    exec: [exec('add'), exec('check'), exec('del')],
  };
}

export function warmCodeCache(o: WarmOptions): void {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-warm-'));
  const ns = `cni-warm-${process.pid}`;
  const hostNs = `cni-warm-host-${process.pid}`;
  const bridge = 'cniwarm0';
  fs.mkdirSync(o.outDir, { recursive: true });
  const floor = path.join(o.outDir, 'floor');
  const version = (plugin: string): Pass => ({ args: plugin, env: { CNI_COMMAND: 'VERSION' }, stdin: '' });
  try {
    // A floor compiles only the top level: for the CLI, and for a plugin without a workload.
    if (!runPass(o, o.bundle, undefined, floor, version('loopback'))) throw new Error('the bundle does not start');
    const root = process.getuid?.() === 0 && spawnSync('ip', ['netns', 'add', ns]).status === 0 && spawnSync('ip', ['netns', 'add', hostNs]).status === 0;
    if (!root) o.log('code cache: not root (or no iproute2), top-level code only\n');
    const plans = root ? workloads(o, scratch, ns, bridge) : {};
    const summary: string[] = [];
    const sizes: string[] = [];
    for (const [plugin, bundle] of Object.entries(o.pluginBundles)) {
      let cache = path.join(scratch, `${plugin}-floor`);
      if (!runPass(o, bundle, undefined, cache, version(plugin))) throw new Error(`the ${plugin} bundle does not start`);
      const floorSize = fs.statSync(cache).size;
      let done = 0;
      const passes = plans[plugin] ?? [];
      for (const [i, p] of passes.entries()) {
        const next = path.join(scratch, `${plugin}-${i}`);
        // A setup pass runs another plugin, with that plugin's bundle, and keeps nothing.
        const passBundle = p.setup ? o.pluginBundles[p.args] : bundle;
        if (!passBundle || (!p.setup && p.args !== plugin)) throw new Error(`warm-up pass ${p.args} in ${plugin}'s plan`);
        if (!runPass(o, passBundle, p.setup ? undefined : cache, next, p, hostNs)) {
          o.log(`code cache: ${plugin} warm-up pass ${i + 1} (${p.args} ${p.env.CNI_COMMAND}) failed; keeping the passes before it\n`);
          break;
        }
        if (!p.setup) cache = next;
        done++;
      }
      fs.copyFileSync(cache, path.join(o.outDir, plugin));
      sizes.push(`${plugin} ${(fs.statSync(cache).size / 1024).toFixed(0)} (${(floorSize / 1024).toFixed(0)})`);
      summary.push(`${plugin} ${done}/${passes.length}`);
    }
    // No cache of its own for a subcommand whose passes fail: it keeps the floor.
    for (const [sub, passes] of Object.entries(root ? cliWorkloads(o, scratch, ns) : {})) {
      let cache = floor;
      const ok = passes.every((p, i) => {
        const next = path.join(scratch, `cli-${sub}-${i}`);
        if (!runPass(o, o.bundle, cache, next, p, hostNs)) return false;
        cache = next;
        return true;
      });
      if (ok) fs.copyFileSync(cache, path.join(o.outDir, `cli-${sub}`));
      else o.log(`code cache: cni ${sub} warm-up failed; it keeps the top-level cache\n`);
      summary.push(`cni ${sub} ${ok ? 'ok' : 'failed'}`);
    }
    o.log(`code caches (warm-up passes): ${summary.join(', ')}\ncode caches, KiB (the bundle's top level alone): ${sizes.join(', ')}\n`);
  } finally {
    spawnSync('ip', ['netns', 'delete', ns]);
    spawnSync('ip', ['netns', 'delete', hostNs]); // takes the bridges and the host veths with it
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
