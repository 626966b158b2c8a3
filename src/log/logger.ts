/**
 * Logging facade. Logs never go to stdout (stdout carries the CNI result). pino is loaded only
 * when a message at an enabled level is actually written, so the common path (warn level, nothing
 * to say) pays nothing for it.
 *   CNI_LOG_LEVEL  trace|debug|info|warn|error|fatal|silent (default warn)
 *   CNI_LOG_FILE   also append JSON logs to this file (at CNI_LOG_LEVEL)
 */
import { loadPino, type PinoLogger } from './pino-loader.cjs';

export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
const LEVELS: Record<Level | 'silent', number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

export interface Logger {
  trace(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
  isLevelEnabled(level: Level): boolean;
}

export interface LoggerOptions {
  level?: string;
  file?: string;
  bindings?: Record<string, unknown>;
  /**
   * Where stderr lines go (default: fd 2). A plugin logs through its own stderr, so that a plugin
   * run in-process logs exactly where its child process would have.
   */
  stderr?: (s: string) => void;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const levelName = (opts.level && opts.level in LEVELS ? opts.level : 'warn') as Level | 'silent';
  const threshold = LEVELS[levelName];
  let real: PinoLogger | undefined;
  const get = (): PinoLogger => (real ??= loadPino({ level: levelName, file: opts.file, bindings: opts.bindings ?? {}, stderr: opts.stderr }));
  const make = (extra: Record<string, unknown>): Logger => {
    const emit = (level: Level) => (obj: object | string, msg?: string) => {
      if (LEVELS[level] < threshold) return;
      const target = Object.keys(extra).length ? get().child(extra) : get();
      if (typeof obj === 'string') target[level](obj);
      else target[level](obj, msg);
    };
    return {
      trace: emit('trace'), debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error'),
      child: (b) => make({ ...extra, ...b }),
      isLevelEnabled: (level) => LEVELS[level] >= threshold,
    };
  };
  return make({});
}

export function loggerFromEnv(env: Record<string, string | undefined>, bindings?: Record<string, unknown>, stderr?: (s: string) => void): Logger {
  return createLogger({ level: env.CNI_LOG_LEVEL, file: env.CNI_LOG_FILE || undefined, bindings, stderr });
}
