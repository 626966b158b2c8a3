/**
 * IP masquerade for a container's addresses (bridge and ptp "ipMasq"): traffic from each address
 * to anything outside its subnet (multicast excepted) leaves with the host's address. Two
 * backends with the reference plugins' exact layouts, nftables (default) and iptables; teardown
 * and GC always clean both, since the attachment may have been made with the other one.
 * Everything acts in the calling thread's network namespace (the host's, for the plugins).
 */
import { CniError } from '../../spec/errors.js';
import { iptablesAvailable } from '../iptables/index.js';
import { IpMasqError } from './errors.js';
import { checkIptables, gcIptables, setupIptables, teardownIptables } from './iptables-backend.js';
import { checkNftables, gcNftables, nftablesUsable, setupNftables, teardownNftables } from './nftables-backend.js';
import { parseIpMasqBackend } from './backend-name.js';
import type { IpMasqAttachment, IpMasqBackend, IpMasqRequest, ValidAttachment } from './types.js';

export type { IpMasqAttachment, IpMasqBackend, IpMasqRequest, ValidAttachment } from './types.js';
export { IPMASQ_BACKENDS } from './types.js';
export { parseIpMasqBackend } from './backend-name.js';
export { IpMasqCheckError, IpMasqError } from './errors.js';
export { iptablesChainName, iptablesComment, nftComment, nftInstanceHash, nftNetworkHash } from './names.js';
export { MASQ_TABLE, MASQ_CHECKS } from './nftables-backend.js';

/**
 * The backend to use: the configured one; else nftables, unless nf_tables cannot be used here
 * and iptables can.
 */
export function resolveBackend(configured: string | undefined): IpMasqBackend {
  const explicit = parseIpMasqBackend(configured);
  if (explicit) return explicit;
  if (nftablesUsable()) return 'nftables';
  return iptablesAvailable(4) ? 'iptables' : 'nftables';
}

/** Our own errors as they are; a backend's (netlink, iptables) wrapped with what was being done. */
function failure(what: string, err: unknown): Error {
  if (err instanceof CniError || err instanceof IpMasqError) return err;
  return new IpMasqError(`ipMasq: failed to ${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** Install masquerading for every address of the attachment (idempotent: re-running replaces). */
export function setupIPMasq(req: IpMasqRequest): void {
  parseIpMasqBackend(req.backend);
  if (req.ips.length === 0) return;
  const backend = resolveBackend(req.backend);
  try {
    if (backend === 'nftables') setupNftables(req);
    else setupIptables(req);
  } catch (err) {
    throw failure(`set up ${backend} masquerading`, err);
  }
}

/**
 * Remove the attachment's masquerading from both backends (absent rules, tables or a backend
 * that cannot be used here are fine). Needs no addresses: rules are found by name and comment.
 * Both are tried even when the first fails; the first error is thrown afterwards.
 */
export function teardownIPMasq(a: IpMasqAttachment): void {
  const errors: unknown[] = [];
  try {
    teardownIptables(a);
  } catch (err) {
    errors.push(err);
  }
  try {
    teardownNftables(a);
  } catch (err) {
    if (nftablesUsable()) errors.push(err);
  }
  if (errors.length) throw failure('tear down masquerading', errors[0]);
}

/** Verify the rules of the configured (or default) backend are in place for every address. */
export function checkIPMasq(req: IpMasqRequest): void {
  const backend = resolveBackend(req.backend);
  if (backend === 'nftables') checkNftables(req);
  else checkIptables(req);
}

/** Remove the network's masquerading of every attachment not in `valid`, in both backends. */
export function gcIPMasq(network: string, valid: readonly ValidAttachment[]): void {
  const errors: unknown[] = [];
  try {
    gcIptables(network, valid);
  } catch (err) {
    errors.push(err);
  }
  try {
    gcNftables(network, valid);
  } catch (err) {
    if (nftablesUsable()) errors.push(err);
  }
  if (errors.length) throw failure('garbage-collect masquerading', errors[0]);
}
