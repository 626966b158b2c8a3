/**
 * What the plugin does to the host (all over rtnetlink, in the namespace the plugin runs in):
 * ingress shaping is a root tbf on the host veth; egress shaping redirects the veth's incoming
 * traffic (the container's egress) with an ingress qdisc and a u32 match-all mirred filter to an
 * IFB device whose root tbf shapes it. Before the first change it checks that nobody else owns
 * those places; removal touches only what it can recognise as its own.
 */
import { isNotFound, makeHandle, TC_H, type Link, type Netlink, type Qdisc, type TbfParams } from '../../../netlink/index.js';
import { formatHandle, type PschedClock } from '../../../netlink/tc/index.js';
import type { Rollback } from '../../../lib/rollback.js';
import { CniError, ErrorCode } from '../../../spec/errors.js';
import { ifbAlias } from './names.js';

/** The reference's handles: 1: for the tbf, prio 1 and class 1:1 for the filter. */
const TBF_HANDLE = makeHandle(1, 0);
const FILTER_PRIO = 1;
const FILTER_CLASS = makeHandle(1, 1);

export interface ShapingPlan {
  network: string;
  containerId: string;
  ifb: string;
  ingress?: TbfParams;
  egress?: TbfParams;
}

const internal = (msg: string, cause?: unknown) => new CniError(ErrorCode.Internal, msg, undefined, cause === undefined ? undefined : { cause });

function wrap<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw internal(`${what}: ${(err as Error).message}`, err);
  }
}

/** Refuse, before any change, when another tool owns a place the plan needs. */
export function preflight(nl: Netlink, host: Link, plan: ShapingPlan): void {
  const qdiscs = nl.qdiscList(host.index);
  if (plan.ingress) {
    const root = qdiscs.find((q) => q.parent === TC_H.ROOT);
    // Default qdiscs (noqueue, pfifo_fast, mq, fq_codel...) have handle 0; anything else was configured.
    if (root && root.handle !== 0) {
      throw internal(`host interface ${host.name} already has a root qdisc (${root.kind} ${formatHandle(root.handle)}) made by another tool: refusing to replace it with the ingress shaping tbf`);
    }
  }
  if (plan.egress) {
    const ingress = qdiscs.find((q) => q.parent === TC_H.INGRESS);
    if (ingress) throw internal(`host interface ${host.name} already has an ${ingress.kind} qdisc (another tool owns its ingress hook): refusing to change it for egress shaping`);
    if (nl.linkByNameOrNull(plan.ifb)) throw internal(`adding link: IFB device ${plan.ifb} already exists`);
  }
}

/** Make the plan's qdiscs, filter and IFB; each made thing is registered on `rb`. Returns the IFB. */
export function apply(nl: Netlink, host: Link, plan: ShapingPlan, clock: PschedClock, rb: Rollback): Link | undefined {
  if (plan.ingress) {
    const tbf = plan.ingress;
    wrap('create qdisc', () => nl.qdiscAdd({ kind: 'tbf', index: host.index, handle: TBF_HANDLE, parent: TC_H.ROOT, tbf }, clock));
    rb.defer(`delete tbf on ${host.name}`, () => nl.qdiscDel({ index: host.index, handle: TBF_HANDLE, parent: TC_H.ROOT }));
  }
  if (!plan.egress) return undefined;
  const tbf = plan.egress;
  wrap('adding link', () => nl.linkAdd({ kind: 'ifb', name: plan.ifb, mtu: host.mtu, ...(host.txQLen !== undefined ? { txQLen: host.txQLen } : {}) }));
  const ifb = nl.linkByName(plan.ifb);
  rb.defer(`delete ${plan.ifb}`, () => nl.linkDel(ifb.index));
  nl.linkSetAlias(ifb.index, ifbAlias(plan.network, plan.containerId));
  nl.linkSetUp(ifb.index);
  wrap('create ingress qdisc', () => nl.qdiscAdd({ kind: 'ingress', index: host.index }, clock));
  rb.defer(`delete ingress qdisc on ${host.name}`, () => nl.qdiscDel({ index: host.index, handle: TC_H.INGRESS_HANDLE, parent: TC_H.INGRESS, kind: 'ingress' }));
  wrap('add filter', () => nl.filterAddU32Redirect({ index: host.index, parent: TC_H.INGRESS_HANDLE, priority: FILTER_PRIO, classId: FILTER_CLASS, redirectIndex: ifb.index }));
  wrap('create ifb qdisc', () => nl.qdiscAdd({ kind: 'tbf', index: ifb.index, handle: TBF_HANDLE, parent: TC_H.ROOT, tbf }, clock));
  return ifb;
}

/** The host veth's ingress qdisc is ours when its filters are our prio-1 u32 redirecting only to our IFB. */
function ingressIsOurs(nl: Netlink, host: Link, ifbIndex: number): boolean {
  const filters = nl.filterList(host.index, TC_H.INGRESS_HANDLE);
  const redirects = filters.filter((f) => f.redirectIndex !== undefined);
  return redirects.length > 0 && redirects.every((f) => f.redirectIndex === ifbIndex) && filters.every((f) => f.kind === 'u32' && f.priority === FILTER_PRIO);
}

const matches = (q: Qdisc, want: TbfParams) => q.kind === 'tbf' && q.handle === TBF_HANDLE && q.tbf?.rate === want.rate && q.tbf.limit === want.limit;

function ignoreGone(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    if (!isNotFound(err) && !(err as { code?: string }).code?.match(/^(ENOENT|EINVAL)$/)) throw err;
  }
}

/**
 * Undo an attachment's shaping. Without the host veth (its container namespace is gone, and the
 * veth with it) only the IFB is left to delete.
 */
export function remove(nl: Netlink, host: Link | undefined, plan: ShapingPlan): void {
  const ifb = nl.linkByNameOrNull(plan.ifb);
  if (host) {
    if (ifb && ingressIsOurs(nl, host, ifb.index)) {
      ignoreGone(() => nl.qdiscDel({ index: host.index, handle: TC_H.INGRESS_HANDLE, parent: TC_H.INGRESS, kind: 'ingress' }));
    }
    const want = plan.ingress;
    const root = want ? nl.qdiscList(host.index).find((q) => q.parent === TC_H.ROOT && matches(q, want)) : undefined;
    if (root) ignoreGone(() => nl.qdiscDel({ index: host.index, handle: TBF_HANDLE, parent: TC_H.ROOT }));
  }
  if (ifb) ignoreGone(() => nl.linkDel(ifb.index));
}

/** The kernel recomputes the buffer from the burst in nanoseconds; allow it a tick of rounding. */
function checkTbf(qdiscs: Qdisc[], want: TbfParams, dev: string): void {
  const tbf = qdiscs.find((q) => q.parent === TC_H.ROOT && q.kind === 'tbf')?.tbf;
  if (!tbf) throw internal(`Failed to find qdisc: no root tbf on ${dev}`);
  if (tbf.rate !== want.rate) throw internal(`Rate doesn't match on ${dev} (${tbf.rate} != ${want.rate} bytes/s)`);
  if (tbf.limit !== want.limit) throw internal(`Limit doesn't match on ${dev} (${tbf.limit} != ${want.limit} bytes)`);
  if (Math.abs(tbf.buffer - want.buffer) > 1) throw internal(`Buffer doesn't match on ${dev} (${tbf.buffer} != ${want.buffer} ticks)`);
}

export function check(nl: Netlink, host: Link, plan: ShapingPlan): void {
  if (plan.ingress) checkTbf(nl.qdiscList(host.index), plan.ingress, host.name);
  if (!plan.egress) return;
  const ifb = wrap('get ifb device', () => nl.linkByName(plan.ifb));
  checkTbf(nl.qdiscList(ifb.index), plan.egress, ifb.name);
  if (!nl.filterList(host.index, TC_H.INGRESS_HANDLE).some((f) => f.redirectIndex === ifb.index)) {
    throw internal(`no filter on ${host.name}'s ingress redirecting to ${ifb.name}`);
  }
}
