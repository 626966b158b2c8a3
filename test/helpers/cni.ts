/**
 * Drive dist/cni exactly as a runtime does: through a symlink named after the plugin in a
 * CNI_PATH directory, with CNI_* environment variables and the config on stdin.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CNI_BINARY, requireBinary } from './env.js';

export interface PluginRun {
  code: number;
  stdout: string;
  stderr: string;
  json: any;
}

export interface PluginCall {
  command: string;
  containerId?: string;
  netns?: string;
  ifName?: string;
  args?: string;
  config?: object | string;
  env?: Record<string, string>;
  /** Run the plugin inside this named netns (`ip netns exec`), as a plugin run by a runtime there. */
  inNetns?: string;
}

/**
 * A temporary CNI_PATH populated by `cni install --link`, removed by dispose(); or, with `dir`, an
 * existing plugin directory the caller owns.
 */
export class CniBinDir {
  readonly dir: string;
  private readonly owned: boolean;
  constructor(dir?: string) {
    requireBinary();
    this.owned = dir === undefined;
    if (dir !== undefined) {
      this.dir = dir;
      return;
    }
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-bin-'));
    const r = spawnSync(CNI_BINARY, ['install', this.dir, '--link'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cni install failed: ${r.stderr}`);
  }

  run(plugin: string, call: PluginCall): PluginRun {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', CNI_COMMAND: call.command, CNI_PATH: this.dir, ...call.env };
    if (call.containerId !== undefined) env.CNI_CONTAINERID = call.containerId;
    if (call.netns !== undefined) env.CNI_NETNS = call.netns;
    if (call.ifName !== undefined) env.CNI_IFNAME = call.ifName;
    if (call.args !== undefined) env.CNI_ARGS = call.args;
    const input = configInput(call.config);
    const file = path.join(this.dir, plugin);
    const [cmd, ...argv] = call.inNetns ? ['ip', 'netns', 'exec', call.inNetns, file] : [file];
    const r = spawnSync(cmd!, argv, { env, input, encoding: 'utf8', timeout: 60_000 });
    if (r.error) throw r.error;
    let json: any;
    try {
      json = r.stdout.trim() ? JSON.parse(r.stdout) : undefined;
    } catch {
      json = undefined;
    }
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json };
  }

  dispose(): void {
    if (this.owned) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The stdin a test sends for `config` (rewritten by CNI_TEST_KEY_CASE=go, below). */
export function configInput(config: object | string | undefined): string {
  if (config === undefined) return '';
  if (typeof config === 'string') return config;
  return JSON.stringify(process.env.CNI_TEST_KEY_CASE === 'go' ? goCase(config) : config);
}

/**
 * CNI_TEST_KEY_CASE=go: every config a test sends is rewritten with its keys as Go field names
 * would spell them (first letter upper-case: "IsGateway", "Ipam", "RuntimeConfig",
 * "PrevResult"), as configs written for the reference may be; the plugins must read them the same
 * (Go's case-insensitive struct matching). Map-typed values (capabilities) keep their keys.
 */
export function goCase(value: unknown, key = '', mapFields: ReadonlySet<string> = mapFieldsOf(value)): unknown {
  if (Array.isArray(value)) return value.map((v) => goCase(v, '', mapFields));
  if (value === null || typeof value !== 'object') return value;
  if (mapFields.has(key)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), goCase(v, k, mapFields)]));
}

/**
 * Fields the reference decodes into Go maps, whose keys are data and stay exact: capabilities,
 * tuning's sysctl, and flannel's delegate and ipam (map[string]interface{} in flannel-io/cni-plugin).
 */
function mapFieldsOf(config: unknown): ReadonlySet<string> {
  const type = config !== null && typeof config === 'object' ? (config as { type?: unknown }).type : undefined;
  return new Set(['capabilities', 'sysctl', ...(type === 'flannel' ? ['delegate', 'ipam'] : [])]);
}
