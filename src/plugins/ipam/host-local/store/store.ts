/**
 * Storage for host-local reservations (style A6: an interface with a disk implementation and an
 * in-memory fake). The store only keeps files; what a reservation means (matching an attachment,
 * legacy owners, garbage) lives in ../reservations.ts.
 */
import type { IpAddress } from '../../../../lib/ip/index.js';

/** An attachment as the spec identifies it: (CNI_CONTAINERID, CNI_IFNAME). */
export interface AttachmentKey {
  containerId: string;
  ifName: string;
}

/** Who a reservation names. Files written before the reference recorded the ifname hold only the ID. */
export interface ReservationOwner {
  containerId: string;
  ifName?: string;
}

export interface Reservation {
  ip: IpAddress;
  /** Undefined when the reservation is empty or names nobody. */
  owner?: ReservationOwner;
  /** Set when the reservation could not be read; such entries are never removed by GC. */
  readError?: Error;
}

export interface Store {
  /** Exclusive lock shared with every other process (and the reference plugin). Blocks. */
  lock(): void;
  unlock(): void;
  close(): void;
  /**
   * Claim `ip` for `key`, atomically: false when someone already holds it. On success the address
   * is remembered as the last one reserved in range set `rangeId` (round-robin restart point).
   */
  reserve(key: AttachmentKey, ip: IpAddress, rangeId: string): boolean;
  lastReservedIp(rangeId: string): IpAddress | undefined;
  /** Every reservation, each with its owner as read. */
  list(): Reservation[];
  /** Drop one reservation (no error when it is already gone). */
  release(ip: IpAddress): void;
  /** Remove what interrupted writes left behind; returns the problems met, continuing past each. */
  removeLeftovers(): Error[];
}

export class StoreError extends Error {
  override readonly name = 'StoreError';
}
