/** The VRF device in the container namespace: find it, make it, list its ports, pick a table. */
import { isExists, RT_TABLE, type Link, type Netlink } from '../../../netlink/index.js';

/** A link named like the VRF exists but is something else. */
export class NotAVrfError extends Error {
  override readonly name = 'NotAVrfError';
}

/** The VRF link, null when there is no link of that name. */
export function findVrf(nl: Netlink, name: string): Link | null {
  const link = nl.linkByNameOrNull(name);
  if (link && link.kind !== 'vrf') throw new NotAVrfError(`Netlink ${name} is not a VRF`);
  return link;
}

const KERNEL_TABLES: readonly number[] = [RT_TABLE.DEFAULT, RT_TABLE.MAIN, RT_TABLE.LOCAL];

/** The lowest table id from 1 that no VRF of the namespace uses (the reference's choice; the kernel's own tables skipped). */
export function freeTable(links: readonly Link[]): number {
  const taken = new Set(links.flatMap((l) => (l.vrf ? [l.vrf.table] : [])));
  for (let t = 1; t <= 0xffffffff; t++) if (!taken.has(t) && !KERNEL_TABLES.includes(t)) return t;
  throw new Error('findFreeRoutingTableID: Failed to find an available routing id');
}

/**
 * Equivalent to: `ip link add NAME type vrf table T && ip link set NAME up`. Returns the link and
 * whether this call made it (a concurrent ADD may have made it first: then that one is used).
 */
export function ensureVrf(nl: Netlink, name: string, table: number): { vrf: Link; created: boolean } {
  const chosen = table || freeTable(nl.linkList());
  let created = true;
  try {
    nl.linkAdd({ kind: 'vrf', name, table: chosen });
  } catch (err) {
    if (!isExists(err)) throw new Error(`could not add VRF ${name}: ${(err as Error).message}`, { cause: err });
    created = false;
  }
  const vrf = findVrf(nl, name);
  if (!vrf) throw new Error(`VRF ${name} vanished right after it was made`);
  if (!vrf.up) nl.linkSetUp(vrf.index);
  return { vrf, created };
}

/** Links whose master is the VRF. */
export function vrfPorts(nl: Netlink, vrf: Link): Link[] {
  return nl.linkList().filter((l) => l.masterIndex === vrf.index);
}
