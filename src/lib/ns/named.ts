/**
 * Named network namespaces the way `ip netns add/delete` makes them: an empty file under
 * /run/netns with the namespace bind-mounted on it, so it outlives the process that created it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLONE_NEWNET, flock, LOCK_EX, LOCK_UN, MNT_DETACH, MS_BIND, MS_REC, MS_SHARED, mount, setns, SyscallError, umount2, unshare } from '../../netlink/ffi/libc.js';
import { openCurrentNetns } from './netns.js';

export const NETNS_RUN_DIR = '/run/netns';

function assertName(name: string): void {
  if (!name || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
    throw new TypeError(`invalid network namespace name "${name}"`);
  }
}

/**
 * Make `dir` a shared mount point (bind-mounting it onto itself first if it is not a mount point),
 * so netns mounts made later propagate to other mount namespaces, as iproute2 does. Serialised with
 * flock on the directory so two creators do not stack two bind mounts. Best effort: where mounts
 * cannot be changed (no CAP_SYS_ADMIN over the mount namespace) the netns bind mount still works,
 * it just does not propagate.
 */
function makeSharedMount(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    flock(fd, LOCK_EX);
    try {
      mount('', dir, 'none', MS_SHARED | MS_REC);
    } catch (err) {
      if (!(err instanceof SyscallError && err.code === 'EINVAL')) return;
      mount(dir, dir, 'none', MS_BIND | MS_REC); // not a mount point yet
      mount('', dir, 'none', MS_SHARED | MS_REC);
    }
  } catch {
    // best effort, see above
  } finally {
    try {
      flock(fd, LOCK_UN);
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** Bind the calling thread's (new) netns onto `file`: unshare, mount, and setns back. */
function bindNewNetns(file: string): void {
  using origin = openCurrentNetns();
  unshare(CLONE_NEWNET);
  try {
    mount('/proc/thread-self/ns/net', file, 'none', MS_BIND);
  } finally {
    setns(origin.fd, CLONE_NEWNET);
  }
}

/** `ip netns add NAME`: returns the namespace's path. Fails if it exists already. */
export function createNamedNetns(name: string, dir = NETNS_RUN_DIR): string {
  assertName(name);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  makeSharedMount(dir);
  const file = path.join(dir, name);
  try {
    fs.closeSync(fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0));
  } catch (err) {
    throw new Error(`cannot create network namespace file ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    bindNewNetns(file);
  } catch (err) {
    fs.rmSync(file, { force: true });
    throw new Error(`cannot create network namespace "${name}": ${(err as Error).message}`, { cause: err });
  }
  return file;
}

/** `ip netns delete NAME`: unmount (lazily) and remove the file. Missing is fine. */
export function deleteNamedNetns(name: string, dir = NETNS_RUN_DIR): void {
  assertName(name);
  const file = path.join(dir, name);
  try {
    umount2(file, MNT_DETACH);
  } catch (err) {
    // EINVAL: not a mount point (half-made or already unmounted); ENOENT: already gone.
    if (!(err instanceof SyscallError && (err.code === 'EINVAL' || err.code === 'ENOENT'))) throw err;
  }
  fs.rmSync(file, { force: true });
}
