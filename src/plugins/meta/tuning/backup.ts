/**
 * The interface attributes ADD changed, as they were before: `<dataDir>/<containerID>_<ifname>.json`
 * in the reference's exact format (Go's MarshalIndent with a one-space indent, fields in its
 * struct order, only the attributes ADD changes), so a node can switch between the reference and
 * this plugin with attachments in place. Which network a backup belongs to is kept beside it in
 * `<name>.json.network` (the reference's format has no room for it): GC of one network must not
 * remove the backups of another network's attachments.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../../lib/atomic-file.js';
import { readFileIfPresent, readdirIfPresent } from '../../../lib/optional-file.js';
import { CniError, ErrorCode } from '../../../spec/errors.js';

/** configToRestore of the reference. */
export interface Backup {
  mac?: string;
  promisc?: boolean;
  mtu?: number;
  allmulti?: boolean;
  txQLen?: number;
}

const OWNER_SUFFIX = '.network';

export function backupFile(dataDir: string, containerId: string, ifName: string): string {
  return path.join(dataDir, `${containerId}_${ifName}.json`);
}

/** The reference's bytes: keys in struct order, omitempty (MTU 0 and empty MAC left out). */
export function encodeBackup(b: Backup): string {
  const ordered: Backup = {};
  if (b.mac) ordered.mac = b.mac;
  if (b.promisc !== undefined) ordered.promisc = b.promisc;
  if (b.mtu) ordered.mtu = b.mtu;
  if (b.allmulti !== undefined) ordered.allmulti = b.allmulti;
  if (b.txQLen !== undefined) ordered.txQLen = b.txQLen;
  return JSON.stringify(ordered, null, 1);
}

/** Lenient like the reference: fields of the wrong type are ignored, not fatal. */
export function decodeBackup(text: string): Backup | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const o = raw as Record<string, unknown>;
  const b: Backup = {};
  if (typeof o.mac === 'string' && o.mac) b.mac = o.mac;
  if (typeof o.promisc === 'boolean') b.promisc = o.promisc;
  if (typeof o.mtu === 'number' && o.mtu > 0) b.mtu = o.mtu;
  if (typeof o.allmulti === 'boolean') b.allmulti = o.allmulti;
  if (typeof o.txQLen === 'number' && o.txQLen >= 0) b.txQLen = o.txQLen;
  return b;
}

function ioError(what: string, err: unknown): CniError {
  return new CniError(ErrorCode.IOFailure, `${what}: ${(err as Error).message}`, undefined, { cause: err });
}

/** Write the backup (atomically: a temporary file renamed into place) and its network. */
export function writeBackup(file: string, b: Backup, network: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    for (const [target, text] of [[file, encodeBackup(b)], [file + OWNER_SUFFIX, network]] as const) writeFileAtomic(target, text);
  } catch (err) {
    throw ioError(`failed to save file ${path.basename(file)}`, err);
  }
}

/** undefined when there is no backup (nothing to restore). */
export function readBackup(file: string): Backup | undefined {
  let text: string | undefined;
  try {
    text = readFileIfPresent(file, 'utf8');
  } catch (err) {
    throw ioError(`failed to open file ${JSON.stringify(file)}`, err);
  }
  return text === undefined ? undefined : (decodeBackup(text) ?? {});
}

export function removeBackup(file: string): void {
  for (const f of [file, file + OWNER_SUFFIX]) {
    try {
      fs.rmSync(f, { force: true });
    } catch (err) {
      throw ioError(`failed to remove file ${f}`, err);
    }
  }
}

/**
 * GC: remove the backups `network` wrote whose attachment is not in `keep` (file names
 * `<containerID>_<ifname>.json`). Backups without a network file (written by the reference) or
 * of another network are left alone. Returns the removed files.
 */
export function collectBackups(dataDir: string, network: string, keep: ReadonlySet<string>): string[] {
  let names: string[];
  try {
    names = readdirIfPresent(dataDir);
  } catch (err) {
    throw ioError(`failed to list ${dataDir}`, err);
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.endsWith('.json' + OWNER_SUFFIX)) continue;
    const backup = name.slice(0, -OWNER_SUFFIX.length);
    if (keep.has(backup)) continue;
    let owner: string;
    try {
      owner = fs.readFileSync(path.join(dataDir, name), 'utf8');
    } catch {
      continue; // removed meanwhile
    }
    if (owner !== network) continue;
    removeBackup(path.join(dataDir, backup));
    removed.push(backup);
  }
  return removed;
}
