/**
 * sbr's verbs, serialised per container by an flock on the netns file (as the reference's
 * go-filemutex), all over netlink in the container's netns. ADD: source rules and per-address
 * tables (see source-routing.ts), rolled back if it fails. DEL: the rules whose source is one of
 * the interface's addresses go, and the routes of the tables they pointed at move back to the
 * main table (when sbr chose the tables; a configured `table` is left to its owner), so the
 * interface routes as it did before ADD. CHECK: every address has its rule.
 */
import type { PluginContext } from '../../../skel/types.js';
import { CniError, ErrorCode, invalidConfig } from '../../../spec/errors.js';
import type { IPConfig, Result } from '../../../spec/types.js';
import { isExists, RT_TABLE, type Netlink, type RuleInfo } from '../../../netlink/index.js';
import { FileLock } from '../../../lib/file-lock.js';
import { IpNet } from '../../../lib/ip/index.js';
import { openNetlinkForDel, openNetlinkInNetns } from '../../../lib/netns-netlink.js';
import { Rollback } from '../../../lib/rollback.js';
import type { SbrConf } from './config.js';
import { addRulesToTable, hostPrefix, moveRoutesToTables } from './source-routing.js';

/** The reference's getIPCfgs: addresses of the interface (or of no interface in particular). */
export function addressesOf(prev: Result, ifName: string): IPConfig[] {
  const ips = prev.ips ?? [];
  if (ips.length === 0) throw invalidConfig(`No IP addresses supplied on interface: ${ifName}`);
  const ifaces = prev.interfaces ?? [];
  return ips.filter((ipc) => {
    const i = ipc.interface;
    return i === undefined || i < 0 || i >= ifaces.length || ifaces[i]!.name === ifName;
  });
}

/** Held until fn's promise settles, so a rollback also runs under the lock. */
async function withNetnsLock<T>(netns: string, fn: () => Promise<T> | T): Promise<T> {
  const lock = new FileLock(netns);
  try {
    lock.lock();
    return await fn();
  } finally {
    lock.close();
  }
}

export async function addSbr(conf: SbrConf, ctx: PluginContext): Promise<Result> {
  if (conf.prevResult === undefined || conf.prevResult === null) throw invalidConfig('This plugin must be called as chained plugin');
  const prev = conf.prevResult as Result;
  const ipCfgs = addressesOf(prev, ctx.args.ifName);
  using nl = openNetlinkInNetns(ctx.args.netns);
  const { table } = conf.settings;
  await withNetnsLock(ctx.args.netns, () =>
    Rollback.run(ctx.log, (rb) => {
      if (table !== undefined) addRulesToTable(nl, rb, ipCfgs, table);
      else moveRoutesToTables(nl, rb, ipCfgs, ctx.args.ifName, conf.settings);
    }),
  );
  return prev;
}

/**
 * Source addresses (as /32 or /128) the interface's rules were made for: its current addresses
 * (none when it is gone) and those of prevResult when the runtime passes it.
 */
function sourcesOf(nl: Netlink, index: number | undefined, prev: Result | undefined, ifName: string): Set<string> {
  const sources = new Set(index === undefined ? [] : nl.addrList({ index }).map((a) => hostPrefix(a.cidr)));
  if (prev?.ips?.length) for (const ipc of addressesOf(prev, ifName)) sources.add(hostPrefix(ipc.address));
  return sources;
}

export async function delSbr(conf: SbrConf, ctx: PluginContext): Promise<void> {
  const nl = openNetlinkForDel(ctx.args.netns);
  if (!nl) return;
  try {
    await withNetnsLock(ctx.args.netns, () => tidy(nl, conf, ctx));
  } finally {
    nl.close();
  }
}

function tidy(nl: Netlink, conf: SbrConf, ctx: PluginContext): void {
  // Without the interface its routes are gone; its rules are found through prevResult, if given.
  const link = nl.linkByNameOrNull(ctx.args.ifName);
  const { table } = conf.settings;
  const sources = sourcesOf(nl, link?.index, conf.prevResult as Result | undefined, ctx.args.ifName);
  const mine = (r: RuleInfo) => r.src !== undefined && sources.has(r.src) && (table === undefined || r.table === table);
  const doomed = nl.ruleList().filter(mine);
  const errors: string[] = [];
  for (const r of doomed) {
    try {
      nl.ruleDel({ src: r.src, table: r.table, priority: r.priority });
    } catch (err) {
      errors.push(`Failed to delete rule from ${r.src} table ${r.table}: ${(err as Error).message}`);
    }
  }
  if (table === undefined && link) {
    const stillUsed = new Set(nl.ruleList().map((r) => r.table));
    for (const t of new Set(doomed.map((r) => r.table))) {
      if (!stillUsed.has(t)) errors.push(...moveBackToMain(nl, t, link.index));
    }
  }
  if (errors.length > 0) throw new CniError(ErrorCode.Internal, errors.join('; '));
}

/**
 * Undo the move of ADD: the interface's routes of table `t` go back to the main table (one that
 * is there already stays as it is) and leave `t`. Returns the failures.
 */
function moveBackToMain(nl: Netlink, t: number, index: number): string[] {
  const errors: string[] = [];
  // On-link routes first: a gateway must be reachable through main before its route goes there.
  const routes = nl.routeList({ table: t, index }).sort((a, b) => Number(a.gw !== undefined) - Number(b.gw !== undefined));
  for (const r of routes) {
    const { family: _f, ...spec } = r;
    try {
      try {
        nl.routeAdd({ ...spec, table: RT_TABLE.MAIN });
      } catch (err) {
        if (!isExists(err)) throw err;
      }
      nl.routeDel(spec);
    } catch (err) {
      errors.push(`Failed to move route ${r.dst} from table ${t} back to main: ${(err as Error).message}`);
    }
  }
  return errors;
}

export function checkSbr(conf: SbrConf, ctx: PluginContext): void {
  if (conf.prevResult === undefined || conf.prevResult === null) throw invalidConfig('Required prevResult missing');
  const ipCfgs = addressesOf(conf.prevResult as Result, ctx.args.ifName);
  using nl = openNetlinkInNetns(ctx.args.netns);
  const rules = nl.ruleList();
  for (const ipc of ipCfgs) {
    const src = hostPrefix(ipc.address);
    const rule = rules.find((r) => r.src === src && (conf.settings.table === undefined || r.table === conf.settings.table));
    if (!rule) throw new CniError(ErrorCode.Internal, `sbr: no source rule for ${IpNet.parse(ipc.address).ip}`);
  }
}
