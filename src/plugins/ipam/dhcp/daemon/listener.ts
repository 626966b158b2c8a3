/**
 * The daemon's unix socket: a systemd-activated one when LISTEN_FDS says so (as the reference),
 * else made at the path, mode 0600 in a 0700 directory. A live socket there (another daemon
 * answers) is an error; a stale one (nobody listening) is replaced.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export class SocketInUseError extends Error {
  override name = 'SocketInUseError';
}

/** fd 3 when systemd passed exactly one socket to this process; undefined when none. */
export function activatedFd(env: Record<string, string | undefined>): number | undefined {
  if (env.LISTEN_PID !== String(process.pid) || !env.LISTEN_FDS) return undefined;
  const n = Number(env.LISTEN_FDS);
  if (n === 0) return undefined;
  if (n !== 1) throw new Error(`Too many (${n}) FDs passed through socket activation`);
  return 3;
}

function probe(socketPath: string): Promise<'live' | 'stale'> {
  return new Promise((resolve, reject) => {
    const c = net.createConnection({ path: socketPath });
    c.once('connect', () => {
      c.destroy();
      resolve('live');
    });
    c.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') resolve('stale');
      else reject(err);
    });
  });
}

/** Listen on `socketPath`; resolves once listening. `server` gets connections. */
export async function listenUnix(server: net.Server, socketPath: string): Promise<void> {
  fs.mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o700 });
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (st) {
    if (!st.isSocket()) throw new SocketInUseError(`${socketPath} exists and is not a socket`);
    if ((await probe(socketPath)) === 'live') throw new SocketInUseError(`another dhcp daemon is listening on ${socketPath}`);
    fs.rmSync(socketPath, { force: true });
  }
  // Only root may talk to the daemon: the socket is made 0600 from the start (umask), not after.
  const oldMask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ path: socketPath }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(oldMask);
  }
  fs.chmodSync(socketPath, 0o600);
}

export function listenFd(server: net.Server, fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ fd }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
