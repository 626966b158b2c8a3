/**
 * STATUS: code 50 when ADD cannot succeed: the store directory cannot be created or written, or
 * some range set has no free address left (an ADD needs one from every set).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PluginContext } from '../../../../skel/types.js';
import type { IpAddress } from '../../../../lib/ip/index.js';
import { CniError, ErrorCode } from '../../../../spec/errors.js';
import { hasFreeAddress } from '../allocator/availability.js';
import { formatRangeSet } from '../config/range-set.js';
import type { HostLocalConf } from '../config/types.js';
import { asStoreFailure, storeDir, type HostLocalDeps } from './deps.js';

const unavailable = (msg: string, cause?: unknown) =>
  new CniError(ErrorCode.PluginNotAvailable, msg, undefined, cause === undefined ? undefined : { cause });

/** The directory, or its nearest existing ancestor when it does not exist yet, must be a writable directory. */
function storeDirProblem(dir: string): CniError | undefined {
  let existing = dir;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  try {
    if (!fs.statSync(existing).isDirectory()) return unavailable(`host-local: store ${dir} unusable: ${existing} is not a directory`);
    fs.accessSync(existing, fs.constants.W_OK | fs.constants.X_OK);
  } catch (err) {
    return unavailable(`host-local: store ${dir} unusable: ${existing} is not writable`, err);
  }
  return undefined;
}

export function status(conf: HostLocalConf, _ctx: PluginContext, deps: HostLocalDeps): void {
  const dir = storeDir(conf);
  const problem = storeDirProblem(dir);
  if (problem) throw problem;
  if (!deps.storeExists(dir)) return; // nothing reserved yet
  let reserved: IpAddress[];
  try {
    // No lock: reservations appear atomically (link), so a listing is a consistent snapshot.
    const store = deps.openStore(dir);
    try {
      reserved = store.list().map((r) => r.ip);
    } finally {
      store.close();
    }
  } catch (err) {
    throw unavailable(`host-local: store ${dir} unusable`, asStoreFailure(err));
  }
  conf.hostLocal.rangeSets.forEach((set, idx) => {
    if (!hasFreeAddress(set, reserved)) throw unavailable(`host-local: no IP addresses available in range set ${idx}: ${formatRangeSet(set)}`);
  });
}
