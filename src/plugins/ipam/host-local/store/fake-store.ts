/**
 * In-memory Store for tests. It insists on the locking discipline: changing reservations
 * without holding the lock throws.
 */
import type { IpAddress } from '../../../../lib/ip/index.js';
import { decodeReservation, encodeReservation } from './reservation-file.js';
import type { AttachmentKey, Reservation, Store } from './store.js';

export class FakeStore implements Store {
  /** address text -> raw file content, so tests can plant legacy or empty reservations. */
  readonly files = new Map<string, { ip: IpAddress; content: string }>();
  readonly lastReserved = new Map<string, IpAddress>();
  /** Leftovers of interrupted writes, as names. */
  leftovers: string[] = [];
  private locked = false;
  closed = false;

  lock(): void {
    if (this.locked) throw new Error('FakeStore: lock() while already locked');
    this.locked = true;
  }

  unlock(): void {
    if (!this.locked) throw new Error('FakeStore: unlock() without lock()');
    this.locked = false;
  }

  close(): void {
    this.closed = true;
  }

  get isLocked(): boolean {
    return this.locked;
  }

  private requireLock(op: string): void {
    if (!this.locked) throw new Error(`FakeStore: ${op} without the lock`);
  }

  /** Plant a reservation with arbitrary content (legacy "id", empty, ...). */
  put(ip: IpAddress, content: string): void {
    this.files.set(ip.toString(), { ip, content });
  }

  reserve(key: AttachmentKey, ip: IpAddress, rangeId: string): boolean {
    this.requireLock('reserve');
    if (this.files.has(ip.toString())) return false;
    this.put(ip, encodeReservation(key));
    this.lastReserved.set(rangeId, ip);
    return true;
  }

  lastReservedIp(rangeId: string): IpAddress | undefined {
    return this.lastReserved.get(rangeId);
  }

  list(): Reservation[] {
    return [...this.files.values()].map(({ ip, content }) => ({ ip, owner: decodeReservation(content) }));
  }

  release(ip: IpAddress): void {
    this.requireLock('release');
    this.files.delete(ip.toString());
  }

  removeLeftovers(): Error[] {
    this.requireLock('removeLeftovers');
    this.leftovers = [];
    return [];
  }
}
