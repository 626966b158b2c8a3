/**
 * host-local IPAM: addresses from configured ranges, reserved as files under
 * `<dataDir>/<network>` in the reference plugin's format (a node can switch between the two),
 * with crash-safe writes, GC and STATUS added.
 */
import * as fs from 'node:fs';
import type { PluginDefinition } from '../../../skel/types.js';
import { loadHostLocalConfig } from './config/load.js';
import type { HostLocalConf } from './config/types.js';
import { DiskStore } from './store/disk-store.js';
import { add } from './verbs/add.js';
import { check } from './verbs/check.js';
import { del } from './verbs/del.js';
import type { HostLocalDeps } from './verbs/deps.js';
import { gc } from './verbs/gc.js';
import { status } from './verbs/status.js';

export type { HostLocalConf } from './config/types.js';
export type { HostLocalDeps } from './verbs/deps.js';

export const defaultDeps: HostLocalDeps = { openStore: (dir) => new DiskStore(dir), storeExists: (dir) => fs.existsSync(dir) };

export function createHostLocalPlugin(deps: HostLocalDeps = defaultDeps): PluginDefinition<HostLocalConf> {
  return {
    name: 'host-local',
    parseConfig: (raw, ctx) => loadHostLocalConfig(raw, { command: ctx.args.command, cniArgs: ctx.args.args }),
    add: (conf, ctx) => add(conf, ctx, deps),
    del: (conf, ctx) => del(conf, ctx, deps),
    check: (conf, ctx) => check(conf, ctx, deps),
    gc: (conf, ctx) => gc(conf, ctx, deps),
    status: (conf, ctx) => status(conf, ctx, deps),
  };
}

export const plugin = createHostLocalPlugin();
