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
    const input = call.config === undefined ? '' : typeof call.config === 'string' ? call.config : JSON.stringify(call.config);
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
