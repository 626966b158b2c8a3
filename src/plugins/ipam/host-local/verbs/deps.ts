/** What the verbs need from outside, injectable for tests, and the store-handling they share. */
import * as path from 'node:path';
import { CniError, ErrorCode } from '../../../../spec/errors.js';
import type { HostLocalConf } from '../config/types.js';
import { StoreError, type Store } from '../store/store.js';

export interface HostLocalDeps {
  /** Open (creating if needed) the store in `dir` = `<dataDir>/<network name>`. */
  openStore(dir: string): Store;
  /** Whether the store exists: DEL, CHECK, GC and STATUS never create it. */
  storeExists(dir: string): boolean;
}

export function storeDir(conf: HostLocalConf): string {
  return path.join(conf.hostLocal.dataDir, conf.name);
}

/** Store problems are I/O failures (code 5); anything else passes through. */
export function asStoreFailure(err: unknown): unknown {
  if (err instanceof StoreError) return new CniError(ErrorCode.IOFailure, err.message, undefined, { cause: err });
  return err;
}

/** Open the store, run `fn` under its lock, always unlock and close. */
export function withLockedStore<T>(deps: HostLocalDeps, dir: string, fn: (store: Store) => T): T {
  let store: Store;
  try {
    store = deps.openStore(dir);
  } catch (err) {
    throw asStoreFailure(err);
  }
  try {
    store.lock();
    try {
      return fn(store);
    } finally {
      store.unlock();
    }
  } catch (err) {
    throw asStoreFailure(err);
  } finally {
    store.close();
  }
}

/** Several problems (DEL, GC keep going past each) as one error; undefined when none. */
export function combinedFailure(what: string, errors: readonly Error[]): CniError | undefined {
  if (errors.length === 0) return undefined;
  const text = errors.map((e) => (e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message)).join('; ');
  return new CniError(ErrorCode.IOFailure, `${what}: ${text}`, undefined, { cause: errors[0] });
}
