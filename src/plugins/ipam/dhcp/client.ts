/**
 * The plugin's side of the socket: send one request, read one reply. No timeout of its own: the
 * daemon bounds every DHCP exchange (-timeout, -resendtimeout) and always answers.
 */
import * as net from 'node:net';
import { CniError, ErrorCode } from '../../../spec/errors.js';
import type { DaemonReply, DaemonRequest } from './protocol.js';

/** The daemon is not there (no socket, nobody listening, or no permission). */
export class DaemonUnreachableError extends CniError {
  override readonly name = 'DaemonUnreachableError';
  /** No daemon runs on the socket (none there, or a stale one nobody listens on), as opposed to one we may not talk to. */
  readonly notRunning: boolean;
  constructor(socketPath: string, cause: NodeJS.ErrnoException, code: number) {
    super(code, `error dialing DHCP daemon at ${socketPath}: ${cause.code ?? cause.message}; is the dhcp daemon running (\`dhcp daemon\`)? try again later`, undefined, { cause });
    this.notRunning = cause.code === 'ENOENT' || cause.code === 'ECONNREFUSED';
  }
}

const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'EPERM', 'ENOTSOCK', 'ECONNRESET']);

export function callDaemon(socketPath: string, req: DaemonRequest, unreachableCode: number = ErrorCode.TryAgainLater): Promise<DaemonReply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let connected = false;
    const sock = net.createConnection({ path: socketPath });
    sock.on('connect', () => {
      connected = true;
      sock.end(`${JSON.stringify(req)}\n`);
    });
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected && UNREACHABLE.has(err.code ?? '')) reject(new DaemonUnreachableError(socketPath, err, unreachableCode));
      else reject(new CniError(ErrorCode.IOFailure, `error calling DHCP daemon at ${socketPath}: ${err.message}`, undefined, { cause: err }));
    });
    sock.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      try {
        resolve(JSON.parse(text) as DaemonReply);
      } catch (err) {
        reject(new CniError(ErrorCode.IOFailure, `error calling DHCP daemon at ${socketPath}: unreadable reply ${JSON.stringify(text.slice(0, 200))}`, undefined, { cause: err }));
      }
    });
  });
}

/** Call and turn an error reply into the CniError it carries. */
export async function callDaemonOk(socketPath: string, req: DaemonRequest, unreachableCode?: number): Promise<DaemonReply & { ok: true }> {
  const reply = await callDaemon(socketPath, req, unreachableCode);
  if (!reply.ok) throw new CniError(reply.error.code, reply.error.msg, reply.error.details);
  return reply;
}
