/**
 * vrf's verbs, run in the container namespace. ADD puts CNI_IFNAME into the VRF (made on first
 * use) with its routes moved into the VRF's table, and passes prevResult through. DEL takes the
 * interface out again (routes back to the main table) and removes the VRF with its last port;
 * a missing namespace, VRF or interface is success. CHECK: the VRF exists (with the configured
 * table) and CNI_IFNAME is its port.
 */
import type { PluginContext } from '../../../skel/types.js';
import type { Result } from '../../../spec/types.js';
import { CniError, ErrorCode, invalidConfig } from '../../../spec/errors.js';
import { isNotFound, RT_TABLE, type Link } from '../../../netlink/index.js';
import { Sandbox, isNetnsGone } from '../../../lib/ifconfig/index.js';
import { Rollback } from '../../../lib/rollback.js';
import type { VrfConf } from './config.js';
import { changeL3Master } from './l3-master.js';
import { ensureVrf, findVrf, vrfPorts } from './vrf-link.js';

/** The reference wraps every ADD failure like this (code 999). */
const addFailed = (err: unknown) => (err instanceof CniError ? err : new CniError(ErrorCode.Internal, `cmdAdd failed: ${(err as Error).message}`, undefined, { cause: err }));

function requirePrevResult(conf: VrfConf): Result {
  if (conf.prevResult === undefined || conf.prevResult === null) throw invalidConfig('missing prevResult from earlier plugin');
  return conf.prevResult as Result;
}

export async function addVrf(conf: VrfConf, ctx: PluginContext): Promise<Result> {
  const prev = requirePrevResult(conf);
  const { vrfName, table } = conf.settings;
  const { ifName } = ctx.args;
  using sb = Sandbox.open(ctx.args.netns);
  const { nl } = sb;
  try {
    await Rollback.run(ctx.log, (rb) => {
      const existing = findVrf(nl, vrfName);
      const port = nl.linkByNameOrNull(ifName);
      if (!port) throw new Error(`could not get link by name ${ifName}`);
      if (port.masterIndex) {
        const master = nl.linkByIndex(port.masterIndex);
        throw new Error(`interface ${ifName} has already a master set: ${master.name}`);
      }
      const { vrf, created } = existing ? { vrf: existing, created: false } : ensureVrf(nl, vrfName, table);
      if (created) rb.defer(`delete VRF ${vrfName}`, () => nl.linkDel(vrf.index));
      if (table !== 0 && vrf.vrf?.table !== table) throw new Error(`VRF ${vrfName} already exist with different routing table ${vrf.vrf?.table}`);
      const vrfTable = vrf.vrf!.table;
      rb.defer(`take ${ifName} out of ${vrfName}`, () => changeL3Master(nl, nl.linkByIndex(port.index), { masterIndex: 0, fromTable: vrfTable, toTable: RT_TABLE.MAIN }));
      try {
        changeL3Master(nl, port, { masterIndex: vrf.index, fromTable: RT_TABLE.MAIN, toTable: vrfTable });
      } catch (err) {
        throw new Error(`could not set vrf ${vrfName} as master of ${ifName}: ${(err as Error).message}`, { cause: err });
      }
      ctx.log.debug({ vrf: vrfName, table: vrfTable, created }, 'vrf: interface enslaved');
    });
  } catch (err) {
    throw addFailed(err);
  }
  return prev;
}

export function delVrf(conf: VrfConf, ctx: PluginContext): void {
  const { vrfName } = conf.settings;
  const { ifName, netns } = ctx.args;
  if (!netns) return;
  let sb: Sandbox;
  try {
    sb = Sandbox.open(netns);
  } catch (err) {
    if (isNetnsGone(err)) return;
    throw err;
  }
  using _sb = sb;
  const { nl } = sb;
  const vrf = findVrf(nl, vrfName);
  if (!vrf) return;
  const port = nl.linkByNameOrNull(ifName);
  if (port && port.masterIndex === vrf.index) {
    changeL3Master(nl, port, { masterIndex: 0, fromTable: vrf.vrf!.table, toTable: RT_TABLE.MAIN });
  }
  if (vrfPorts(nl, vrf).length === 0) deleteLink(sb, vrf);
}

function deleteLink(sb: Sandbox, link: Link): void {
  try {
    sb.nl.linkDel(link.index);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

export function checkVrf(conf: VrfConf, ctx: PluginContext): void {
  requirePrevResult(conf);
  const { vrfName, table } = conf.settings;
  const { ifName } = ctx.args;
  using sb = Sandbox.open(ctx.args.netns);
  const vrf = findVrf(sb.nl, vrfName);
  if (!vrf) throw new CniError(ErrorCode.Internal, `VRF ${vrfName} not found`);
  if (table !== 0 && vrf.vrf?.table !== table) throw new CniError(ErrorCode.Internal, `VRF ${vrfName} has routing table ${vrf.vrf?.table}, not ${table}`);
  if (!vrfPorts(sb.nl, vrf).some((l) => l.name === ifName)) {
    throw new CniError(ErrorCode.Internal, `Failed to find ${ifName} associated to vrf ${vrfName}`);
  }
}
