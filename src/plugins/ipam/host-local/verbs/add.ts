/**
 * ADD: one address per range set, all under one lock; on any failure the addresses taken by
 * this ADD (and only those) are released again. Requested addresses go to the set containing
 * them; one that fits no set fails the ADD.
 */
import type { PluginContext } from '../../../../skel/types.js';
import { CniError, ErrorCode } from '../../../../spec/errors.js';
import { CURRENT_VERSION, type IPConfig, type Result } from '../../../../spec/types.js';
import type { IpAddress } from '../../../../lib/ip/index.js';
import { allocate, AllocationError, type Allocation } from '../allocator/allocator.js';
import { rangeSetContains } from '../config/range-set.js';
import type { HostLocalConf } from '../config/types.js';
import { readResolvConf } from '../resolv-conf.js';
import type { AttachmentKey, Store } from '../store/store.js';
import { storeDir, withLockedStore, type HostLocalDeps } from './deps.js';

/**
 * Which requested address goes to which range set (the first set containing it, one per set).
 * Decided before the store is touched: a request that fits no set fails the ADD without writing
 * anything (not even last_reserved_ip).
 */
function assignRequested(conf: HostLocalConf): (IpAddress | undefined)[] {
  const pending: IpAddress[] = [...conf.hostLocal.requestedIps];
  const perSet = conf.hostLocal.rangeSets.map((set) => {
    const i = pending.findIndex((ip) => rangeSetContains(set, ip));
    return i >= 0 ? pending.splice(i, 1)[0] : undefined;
  });
  if (pending.length) throw new CniError(ErrorCode.Internal, `failed to allocate all requested IPs: ${pending.join(' ')}`);
  return perSet;
}

function allocateAll(store: Store, conf: HostLocalConf, key: AttachmentKey, requested: (IpAddress | undefined)[]): Allocation[] {
  const done: Allocation[] = [];
  // Best effort: the error that made us roll back is the one to report.
  const rollback = () => {
    for (const a of done) {
      try {
        store.release(a.ip);
      } catch {
        // left for DEL or GC
      }
    }
  };
  try {
    conf.hostLocal.rangeSets.forEach((set, idx) => {
      try {
        done.push(allocate(store, { key, set, rangeId: String(idx), requested: requested[idx] }));
      } catch (err) {
        if (!(err instanceof AllocationError)) throw err;
        // The reference answers these with a plain error, which its skel reports as code 999.
        throw new CniError(ErrorCode.Internal, `failed to allocate for range ${idx}: ${err.message}`, undefined, { cause: err });
      }
    });
  } catch (err) {
    rollback();
    throw err;
  }
  return done;
}

function toIpConfig(a: Allocation): IPConfig {
  return { address: `${a.ip}/${a.range.subnet.prefix}`, gateway: a.range.gateway.toString() };
}

export function add(conf: HostLocalConf, ctx: PluginContext, deps: HostLocalDeps): Result {
  const dns = conf.hostLocal.resolvConf ? readResolvConf(conf.hostLocal.resolvConf) : {};
  const key = { containerId: ctx.args.containerId, ifName: ctx.args.ifName };
  const requested = assignRequested(conf);
  const allocations = withLockedStore(deps, storeDir(conf), (store) => allocateAll(store, conf, key, requested));
  ctx.log.debug({ network: conf.name, ips: allocations.map((a) => a.ip.toString()) }, 'host-local: allocated');
  const result: Result = { cniVersion: CURRENT_VERSION, ips: allocations.map(toIpConfig), dns };
  if (conf.hostLocal.routes.length) result.routes = conf.hostLocal.routes;
  return result;
}
