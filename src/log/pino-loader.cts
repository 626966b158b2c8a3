// CommonJS on purpose: a synchronous require() that esbuild still bundles, so pino is only
// evaluated when the first log line is written.
import type * as PinoNs from 'pino';

export type PinoLogger = PinoNs.Logger;

export function loadPino(opts: { level: string; file?: string; bindings: Record<string, unknown>; stderr?: (s: string) => void }): PinoLogger {
  const pino: typeof PinoNs.pino = require('pino');
  const write = opts.stderr;
  const stderr = write ? { write: (s: string) => write(s) } : pino.destination({ fd: 2, sync: true });
  const streams: PinoNs.StreamEntry[] = [{ level: opts.level as PinoNs.Level, stream: stderr }];
  if (opts.file) {
    streams.push({ level: opts.level as PinoNs.Level, stream: pino.destination({ dest: opts.file, append: true, mkdir: true, sync: true }) });
  }
  return pino({ level: opts.level, base: { pid: process.pid, ...opts.bindings } }, pino.multistream(streams));
}
