/**
 * What reservations mean, over any Store (callers hold the lock): which belong to an attachment
 * (with the reference's fallback to legacy ID-only files), releasing them, and GC.
 */
import type { IpAddress } from '../../../lib/ip/index.js';
import type { AttachmentKey, Reservation, ReservationOwner, Store } from './store/store.js';

/** Written by the current format for exactly this attachment. */
export function ownedBy(owner: ReservationOwner | undefined, key: AttachmentKey): boolean {
  return owner?.ifName !== undefined && owner.containerId === key.containerId.trim() && owner.ifName === key.ifName;
}

/** A legacy ID-only reservation of this container. */
export function legacyOwnedBy(owner: ReservationOwner | undefined, key: AttachmentKey): boolean {
  return owner !== undefined && owner.ifName === undefined && owner.containerId === key.containerId.trim();
}

/** Addresses held by the attachment, legacy ones included (the reference's GetByID). */
export function addressesHeldBy(store: Store, key: AttachmentKey): IpAddress[] {
  return store
    .list()
    .filter((r) => ownedBy(r.owner, key) || legacyOwnedBy(r.owner, key))
    .map((r) => r.ip);
}

/** Whether the attachment holds anything (the reference's FindByID). */
export function holdsAny(store: Store, key: AttachmentKey): boolean {
  return addressesHeldBy(store, key).length > 0;
}

function releaseAll(store: Store, reservations: Reservation[]): Error[] {
  const errors: Error[] = [];
  for (const r of reservations) {
    try {
      store.release(r.ip);
    } catch (err) {
      errors.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  return errors;
}

/**
 * Release the attachment's reservations (the reference's ReleaseByID): those written for
 * (id, ifname), or, only when there are none, legacy files holding just the ID. Continues past
 * errors and returns them.
 */
export function releaseHeldBy(store: Store, key: AttachmentKey): Error[] {
  const all = store.list();
  const current = all.filter((r) => ownedBy(r.owner, key));
  return releaseAll(store, current.length ? current : all.filter((r) => legacyOwnedBy(r.owner, key)));
}

/**
 * GC: keep reservations of valid attachments; keep a legacy ID-only file when some valid
 * attachment has that container ID; drop everything else, including empty or ownerless files,
 * then the leftovers of interrupted writes. Unreadable files are reported, never removed.
 */
export function collectGarbage(store: Store, valid: readonly AttachmentKey[]): Error[] {
  const validIds = new Set(valid.map((a) => a.containerId.trim()));
  const keep = (owner: ReservationOwner | undefined): boolean => {
    if (!owner) return false;
    if (owner.ifName === undefined) return validIds.has(owner.containerId);
    return valid.some((a) => ownedBy(owner, a));
  };
  const errors: Error[] = [];
  const garbage: Reservation[] = [];
  for (const r of store.list()) {
    if (r.readError) errors.push(r.readError);
    else if (!keep(r.owner)) garbage.push(r);
  }
  return [...errors, ...releaseAll(store, garbage), ...store.removeLeftovers()];
}
