/**
 * `dhcp daemon` / `cni dhcp daemon`: the long-lived process that owns the leases. Loads the
 * persisted leases, listens on the unix socket (one JSON request per connection), and on SIGINT or
 * SIGTERM stops renewing, removes its socket and pidfile and exits, leaving the leases on disk for
 * the next daemon. Logs go through the project's logger to stderr (level from CNI_LOG_LEVEL,
 * default info; CNI_LOG_FILE as for plugins).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { createLogger, type Logger } from '../../../../log/logger.js';
import type { DaemonRequest } from '../protocol.js';
import { parseDaemonArgs, usage, UsageError, type DaemonArgs } from './args.js';
import { activatedFd, listenFd, listenUnix } from './listener.js';
import { DhcpService } from './service.js';
import { LeaseStore } from './store.js';

/** Longest request line accepted (a network config is a few KiB). */
const MAX_REQUEST = 4 << 20;

function serveConnection(conn: net.Socket, service: DhcpService, log: Logger): void {
  const chunks: Buffer[] = [];
  let size = 0;
  conn.on('data', (d: Buffer) => {
    size += d.length;
    if (size > MAX_REQUEST) {
      conn.destroy();
      return;
    }
    chunks.push(d);
  });
  conn.on('error', (err) => log.debug({ err: String(err) }, 'client connection error'));
  conn.on('end', () => {
    let req: DaemonRequest;
    try {
      req = JSON.parse(Buffer.concat(chunks).toString('utf8')) as DaemonRequest;
    } catch (err) {
      conn.end(`${JSON.stringify({ ok: false, error: { code: 6, msg: `bad request: ${(err as Error).message}` } })}\n`);
      return;
    }
    log.debug({ verb: req.verb, containerId: req.containerId, ifName: req.ifName }, 'request');
    void service.handle(req).then((reply) => {
      if (!conn.destroyed) conn.end(`${JSON.stringify(reply)}\n`);
    });
  });
}

export async function runDaemon(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  let args: DaemonArgs;
  try {
    args = parseDaemonArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n${usage()}`);
    return 2;
  }
  if (args.help) {
    process.stderr.write(usage());
    return 0;
  }
  const log = createLogger({ level: env.CNI_LOG_LEVEL || 'info', file: env.CNI_LOG_FILE || undefined, bindings: { plugin: 'dhcp', daemon: true } });
  const socketPath = args.hostprefix + args.socketpath;
  if (args.pidfile && !path.isAbsolute(args.pidfile)) {
    process.stderr.write(`Error writing pidfile "${args.pidfile}": path not absolute\n`);
    return 1;
  }
  const store = new LeaseStore(args.statedir);
  // Half-open: the client ends its side after the request and still reads the reply.
  const server = net.createServer({ allowHalfOpen: true });
  let ownSocket = false;
  try {
    store.open();
    if (args.pidfile) fs.writeFileSync(args.pidfile, String(process.pid), { mode: 0o644 });
    const fd = activatedFd(env);
    if (fd !== undefined) await listenFd(server, fd);
    else {
      await listenUnix(server, socketPath);
      ownSocket = true;
    }
  } catch (err) {
    server.close();
    store.close();
    process.stderr.write(`dhcp daemon: ${(err as Error).message}\n`);
    return 1;
  }

  const service = new DhcpService({
    env: { store, timing: { timeoutMs: args.timeoutMs, resendMaxMs: args.resendMaxMs, resendTimeoutMs: args.resendTimeoutMs }, renewScale: args.renewScale, log },
    hostPrefix: args.hostprefix,
    log,
  });
  // One attachment's failure must not take every lease down with the daemon.
  process.on('unhandledRejection', (err) => log.error({ err: String(err) }, 'unhandled rejection'));
  service.resumeAll(store.loadAll((file, err) => log.error({ file, err: String(err) }, 'ignoring unreadable lease file')));
  server.on('connection', (c) => serveConnection(c, service, log));
  const sweeper = setInterval(() => service.sweep(), args.sweepMs);
  log.info({ socket: fd0(ownSocket, socketPath), stateDir: args.statedir, leases: service.size }, 'dhcp daemon listening');

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  clearInterval(sweeper);
  server.close();
  await service.halt();
  if (ownSocket) fs.rmSync(socketPath, { force: true });
  if (args.pidfile) fs.rmSync(args.pidfile, { force: true });
  store.close();
  return 0;
}

function fd0(own: boolean, socketPath: string): string {
  return own ? socketPath : 'systemd socket (fd 3)';
}
