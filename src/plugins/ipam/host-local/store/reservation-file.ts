/**
 * The reference's on-disk format, byte for byte: one file per address named by the address
 * (Go's net.IP.String()), holding "<containerID>\r\n<ifname>"; `last_reserved_ip.<set index>`
 * holding the address; `lock` for flock. Files holding just "<containerID>" are from older versions.
 */
import { IpAddress } from '../../../../lib/ip/index.js';
import type { AttachmentKey, ReservationOwner } from './store.js';

export const LINE_BREAK = '\r\n';
export const LOCK_FILE = 'lock';
export const LAST_IP_PREFIX = 'last_reserved_ip.';
/** Our temp files: never an address, never the lock, never a last_reserved_ip file. */
export const TEMP_PREFIX = '.tmp.';

export function encodeReservation(key: AttachmentKey): string {
  return key.containerId.trim() + LINE_BREAK + key.ifName;
}

/** Whitespace around the content is ignored, as the reference's strings.TrimSpace. */
export function decodeReservation(content: string): ReservationOwner | undefined {
  const text = content.trim();
  if (text === '') return undefined;
  const br = text.indexOf(LINE_BREAK);
  if (br < 0) return { containerId: text };
  return { containerId: text.slice(0, br), ifName: text.slice(br + LINE_BREAK.length) };
}

/** The address a file name stands for, or undefined for the lock, last_reserved_ip.*, temp files... */
export function reservationAddress(fileName: string): IpAddress | undefined {
  return IpAddress.tryParse(fileName);
}

export function lastIpFileName(rangeId: string): string {
  return LAST_IP_PREFIX + rangeId;
}

export function isTempFile(fileName: string): boolean {
  return fileName.startsWith(TEMP_PREFIX);
}
