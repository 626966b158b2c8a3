/**
 * Rendered delegate configs kept in dataDir/<containerID> (dir 0700, file 0600), the reference's
 * layout and bytes: DEL and CHECK use the config the attachment was made with, even after
 * subnet.env changed or disappeared. Written atomically (temp file, fsync, rename), so a crash
 * leaves the old file or the new one, never a torn one that would block DEL.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../../lib/atomic-file.js';
import { readFileIfPresent, readdirIfPresent } from '../../../lib/optional-file.js';

export function savedPath(dataDir: string, containerId: string): string {
  return path.join(dataDir, containerId);
}

/** The saved bytes, or undefined when there are none. */
export function readSaved(dataDir: string, containerId: string): Buffer | undefined {
  return readFileIfPresent(savedPath(dataDir, containerId));
}

export function writeSaved(dataDir: string, containerId: string, bytes: Buffer): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = savedPath(dataDir, containerId);
  writeFileAtomic(file, bytes, { fsync: true });
}

export function removeSaved(dataDir: string, containerId: string): void {
  fs.rmSync(savedPath(dataDir, containerId), { force: true });
}

/** Container IDs with a saved config (temp files of interrupted writes are skipped). */
export function listSaved(dataDir: string): string[] {
  return readdirIfPresent(dataDir).filter((n) => !n.startsWith('.'));
}
