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
  // pino's own error serializer, with the error's `name` as its type: pino takes the constructor's
  // name, which in the minified executable is not the class's (build.ts keeps no function names).
  // Every error class here sets `name` (test/unit/error-names.test.ts).
  const err = (e: Error) => {
    const out = pino.stdSerializers.err(e);
    if (e instanceof Error && out !== (e as unknown)) out.type = e.name;
    return out;
  };
  return pino({ level: opts.level, base: { pid: process.pid, ...opts.bindings }, serializers: { err } }, pino.multistream(streams));
}
