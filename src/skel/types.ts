/** What skel hands a plugin: the parsed environment and stdin, and injected I/O. */
import type { NetConf, Result } from '../spec/types.js';
import type { Logger } from '../log/logger.js';

export type Command = 'ADD' | 'DEL' | 'CHECK' | 'GC' | 'STATUS' | 'VERSION';

export interface CmdArgs {
  command: Command;
  containerId: string;
  /** CNI_NETNS; empty string when not given (DEL may legitimately omit it). */
  netns: string;
  ifName: string;
  /** Raw CNI_ARGS ("K=V;K2=V2"). Parse with parseCniArgs(). */
  args: string;
  /** CNI_PATH split on ':' with empty entries dropped. */
  path: string[];
  stdin: Buffer;
}

/** Everything a verb may touch of the outside world: tests inject fakes here. */
export interface PluginContext {
  args: CmdArgs;
  /** The whole environment the plugin was started with (delegates inherit it). */
  env: Record<string, string | undefined>;
  log: Logger;
  /**
   * The plugins this executable serves, so a delegate found in CNI_PATH that is this executable
   * runs in-process (src/invoke). Absent: delegates always run as child processes.
   */
  plugins?: PluginLookup;
  /**
   * The plugin's own stderr (the process's fd 2, or what an in-process run captures): where its
   * delegates' stderr goes. Absent: process.stderr.
   */
  stderr?: (s: string) => void;
}

export type PluginKind = 'main' | 'ipam' | 'meta';

/**
 * One plugin = a config parser and its verbs. `parseConfig` validates and applies defaults
 * once; verbs receive the typed config. ADD returns a Result in the internal (1.1.0) shape;
 * skel converts it to the config's cniVersion.
 */
export interface PluginDefinition<C extends NetConf = NetConf> {
  name: string;
  parseConfig(raw: NetConf, ctx: PluginContext): C;
  add(conf: C, ctx: PluginContext): Promise<Result> | Result;
  del(conf: C, ctx: PluginContext): Promise<void> | void;
  check(conf: C, ctx: PluginContext): Promise<void> | void;
  status?(conf: C, ctx: PluginContext): Promise<void> | void;
  gc?(conf: C, ctx: PluginContext): Promise<void> | void;
}

/** Registry entry: static metadata plus a lazy loader, so a start loads only one plugin. */
export interface PluginEntry {
  name: string;
  kind: PluginKind;
  summary: string;
  supportedVersions: readonly string[];
  /**
   * Kinds of plugin this one hands work to (bridge: its IPAM; flannel: its main plugin and that
   * one's IPAM). The executable's bundle for this plugin carries them, so they run in-process.
   */
  delegatesTo?: readonly PluginKind[];
  load(): Promise<PluginDefinition<any>>;
}

/** Finds a plugin this executable serves by name (the registry's findPlugin, injected by main). */
export type PluginLookup = (name: string) => PluginEntry | undefined;
