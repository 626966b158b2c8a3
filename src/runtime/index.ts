/**
 * CNI runtime library: load network configurations and run them against containers, compatible
 * with the reference libcni (same config rules, plugin protocol and result cache format).
 *
 *   const list = await loadNetworkList('/etc/cni/net.d', 'mynet');
 *   const cni = new CNIConfig({ path: ['/opt/cni/bin'] });
 *   const { result } = await cni.addNetworkList(list, { containerId, netns, ifName: 'eth0' });
 */
export { CNIConfig, type CNIConfigOptions } from './cni-config.js';
export { DEFAULT_CONF_DIR, confFiles, listNetworks, loadNetworkList, networkConfFromFile, confListFromFile, type NetworkFileEntry } from './conf/load.js';
export { confListFromConf, networkConfFromBytes, pluginConfFromBytes } from './conf/parse.js';
export { CACHE_KIND_V1, DEFAULT_CACHE_DIR, ResultCache, decodeCacheEntry, encodeCacheEntry, type CacheEntry, type CachedResult } from './cache.js';
export { RawExec, runProcess, type Exec, type InProcessRunner, type ProcessOutcome, type RawExecOptions, type RunProcess } from './invoke/exec.js';
export { findInPath } from './invoke/find.js';
export { pluginEnv, type Env, type InvokeArgs, type Verb } from './invoke/env.js';
export { decodeVersionInfo } from './invoke/version-info.js';
export { buildGCRequest, buildRequest, buildStatusRequest, injectConf, runtimeConfigFor } from './request.js';
export { CheckNotSupportedError } from './ops/check.js';
export { UnsupportedVersionError } from './ops/validate.js';
export {
  CacheError, ConfigError, ConfigFileError, MultiError, NetworkNotFoundError, NoConfigsFoundError,
  PluginExecError, PluginFailedError, PluginNotFoundError, errorText, findCniError,
} from './errors.js';
export type {
  AddResult, GCArgs, NetworkAttachment, NetworkConfig, NetworkConfigList, PluginConf, RuntimeConf, VersionInfo,
} from './types.js';
