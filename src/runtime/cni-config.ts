/**
 * The runtime library's entry point (libcni CNIConfig): run network configurations against
 * containers. Plugins are separate processes found in `path`; results are cached in `cacheDir`
 * in the reference format. Pass `exec` to run plugins some other way (tests pass a fake).
 */
import { ResultCache } from './cache.js';
import type { Env } from './invoke/env.js';
import { RawExec, type Exec } from './invoke/exec.js';
import { getVersionInfo } from './invoke/version-info.js';
import { addNetworkList } from './ops/add.js';
import { cachedResult } from './ops/cached.js';
import { checkNetworkList } from './ops/check.js';
import { listOfOne, type RuntimeContext } from './ops/context.js';
import { delNetworkList } from './ops/del.js';
import { gcNetworkList } from './ops/gc.js';
import { getStatusNetworkList } from './ops/status.js';
import { validateNetworkList } from './ops/validate.js';
import type { AddResult, GCArgs, NetworkAttachment, NetworkConfig, NetworkConfigList, RuntimeConf, VersionInfo } from './types.js';

export interface CNIConfigOptions {
  /** Directories searched for plugin binaries (CNI_PATH). */
  path: readonly string[];
  /** Default /var/lib/cni. */
  cacheDir?: string;
  exec?: Exec;
  /** Environment passed on to plugins (default process.env). */
  env?: Env;
}

export class CNIConfig {
  readonly path: readonly string[];
  readonly cache: ResultCache;
  private readonly ctx: RuntimeContext;

  constructor(opts: CNIConfigOptions) {
    this.path = [...opts.path];
    this.cache = new ResultCache(opts.cacheDir);
    this.ctx = { path: this.path, exec: opts.exec ?? new RawExec(), cache: this.cache, env: opts.env ?? process.env };
  }

  addNetworkList(list: NetworkConfigList, rt: RuntimeConf): Promise<AddResult> {
    return addNetworkList(this.ctx, list, rt);
  }

  checkNetworkList(list: NetworkConfigList, rt: RuntimeConf): Promise<void> {
    return checkNetworkList(this.ctx, list, rt);
  }

  delNetworkList(list: NetworkConfigList, rt: RuntimeConf): Promise<void> {
    return delNetworkList(this.ctx, list, rt);
  }

  /** Without `args` every cached attachment of the network counts as stale. */
  gcNetworkList(list: NetworkConfigList, args?: GCArgs): Promise<void> {
    return gcNetworkList(this.ctx, list, args);
  }

  getStatusNetworkList(list: NetworkConfigList): Promise<void> {
    return getStatusNetworkList(this.ctx, list);
  }

  /** Capabilities the list's plugins declare; throws when a plugin is missing or too old. */
  validateNetworkList(list: NetworkConfigList): Promise<string[]> {
    return validateNetworkList(this.ctx, list);
  }

  addNetwork(net: NetworkConfig, rt: RuntimeConf): Promise<AddResult> {
    return addNetworkList(this.ctx, listOfOne(net), rt);
  }

  checkNetwork(net: NetworkConfig, rt: RuntimeConf): Promise<void> {
    return checkNetworkList(this.ctx, listOfOne(net), rt);
  }

  delNetwork(net: NetworkConfig, rt: RuntimeConf): Promise<void> {
    return delNetworkList(this.ctx, listOfOne(net), rt);
  }

  validateNetwork(net: NetworkConfig): Promise<string[]> {
    return validateNetworkList(this.ctx, listOfOne(net));
  }

  async getVersionInfo(pluginType: string): Promise<VersionInfo> {
    const pluginPath = await this.ctx.exec.findInPath(pluginType, this.path);
    return getVersionInfo(this.ctx.exec, pluginPath, this.ctx.env);
  }

  /** The result of the last ADD, in the list's version; undefined when none is cached. */
  getNetworkListCachedResult(list: NetworkConfigList, rt: RuntimeConf): Promise<AddResult | undefined> {
    return cachedResult(this.ctx, list, rt);
  }

  /** The list JSON and runtime arguments in force at the last ADD. */
  getNetworkListCachedConfig(list: NetworkConfigList, rt: RuntimeConf): Promise<{ config: Buffer; rt: RuntimeConf } | undefined> {
    return this.cache.readConfig(list.name, rt);
  }

  getCachedAttachments(containerId?: string): Promise<NetworkAttachment[]> {
    return this.cache.attachments(containerId);
  }
}
