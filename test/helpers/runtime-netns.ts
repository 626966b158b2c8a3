/**
 * The runtime library (src/runtime) driving dist/cni as a runtime on a private "host" namespace
 * would: its CNI_PATH is a directory of one-line wrappers, `<plugin>` = `exec ip netns exec HOST
 * <real symlink>`, so every plugin the library starts (and every IPAM plugin a plugin delegates to
 * through CNI_PATH) acts inside HOST, never in the real host's network.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CNIConfig, RawExec } from '../../src/runtime/index.js';
import { networkConfFromBytes } from '../../src/runtime/conf/parse.js';
import type { NetworkConfigList } from '../../src/runtime/types.js';
import type { CniBinDir } from './cni.js';

export class RuntimeInNetns {
  readonly pathDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-rt-path-'));
  readonly cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-rt-cache-'));
  readonly cni: CNIConfig;

  constructor(bin: CniBinDir, hostNs: string, plugins: readonly string[]) {
    for (const p of plugins) {
      const file = path.join(this.pathDir, p);
      fs.writeFileSync(file, `#!/bin/sh\nexec ip netns exec '${hostNs}' '${path.join(bin.dir, p)}' "$@"\n`, { mode: 0o755 });
    }
    this.cni = new CNIConfig({ path: [this.pathDir], cacheDir: this.cacheDir, exec: new RawExec({ stderr: null }) });
  }

  static list(conflist: object): NetworkConfigList {
    return networkConfFromBytes(Buffer.from(JSON.stringify(conflist)));
  }

  dispose(): void {
    fs.rmSync(this.pathDir, { recursive: true, force: true });
    fs.rmSync(this.cacheDir, { recursive: true, force: true });
  }
}
