/**
 * `dhcp daemon` flags, parsed like Go's flag package (the reference's): `-name value`,
 * `-name=value`, `--name` alike; booleans take no value (or `=true|false`); durations in Go's
 * syntax (`10s`, `1m30s`, `500ms`).
 */
import { DEFAULT_SOCKET_PATH } from '../config.js';
import { DEFAULT_STATE_DIR } from './store.js';

export interface DaemonArgs {
  pidfile: string;
  hostprefix: string;
  socketpath: string;
  broadcast: boolean;
  timeoutMs: number;
  resendMaxMs: number;
  resendTimeoutMs: number;
  /** Beyond the reference. */
  statedir: string;
  renewScale: number;
  sweepMs: number;
  help: boolean;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, '\u00b5s': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds. */
export function parseGoDuration(s: string): number {
  const m = /^([+-])?((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|\u00b5s|ms|s|m|h))+$/.exec(s);
  if (s === '0') return 0;
  if (!m) throw new UsageError(`invalid duration "${s}"`);
  let total = 0;
  for (const part of s.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|ms|s|m|h)/g)) total += Number(part[1]) * UNITS[part[2]!]!;
  return m[1] === '-' ? -total : total;
}

type Kind = 'string' | 'bool' | 'duration' | 'number';
const FLAGS: Record<string, { kind: Kind; help: string }> = {
  pidfile: { kind: 'string', help: 'optional path to write daemon PID to (absolute)' },
  hostprefix: { kind: 'string', help: 'optional prefix to host root (socket and netns paths)' },
  socketpath: { kind: 'string', help: `optional dhcp server socketpath (default ${DEFAULT_SOCKET_PATH})` },
  broadcast: { kind: 'bool', help: 'accepted for compatibility: the broadcast flag is always set while the client has no address' },
  timeout: { kind: 'duration', help: 'longest wait for a reply to one transmission (default 10s)' },
  resendmax: { kind: 'duration', help: 'longest delay between retransmissions (default 62s)' },
  resendtimeout: { kind: 'duration', help: 'how long an acquisition keeps trying (default 60s)' },
  statedir: { kind: 'string', help: `where leases are persisted (default ${DEFAULT_STATE_DIR})` },
  renewscale: { kind: 'number', help: 'multiply the server\'s T1 and T2 by this factor, 0 < f <= 1 (default 1): renew earlier' },
  sweep: { kind: 'duration', help: 'how often to look for attachments whose namespace is gone (default 60s)' },
};

const DURATION_FIELDS: Record<string, 'timeoutMs' | 'resendMaxMs' | 'resendTimeoutMs' | 'sweepMs'> = {
  timeout: 'timeoutMs',
  resendmax: 'resendMaxMs',
  resendtimeout: 'resendTimeoutMs',
  sweep: 'sweepMs',
};

export function usage(): string {
  const lines = Object.entries(FLAGS).map(([name, f]) => `  -${name}${f.kind === 'bool' ? '' : ` ${f.kind}`}\n    \t${f.help}`);
  return `Usage: dhcp daemon [flags]\n${lines.join('\n')}\n`;
}

export function parseDaemonArgs(argv: string[]): DaemonArgs {
  const out: DaemonArgs = {
    pidfile: '',
    hostprefix: '',
    socketpath: '',
    broadcast: false,
    timeoutMs: 10_000,
    resendMaxMs: 62_000,
    resendTimeoutMs: 60_000,
    statedir: DEFAULT_STATE_DIR,
    renewScale: 1,
    sweepMs: 60_000,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    const m = /^--?([a-z]+)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new UsageError(`unexpected argument "${arg}"`);
    const name = m[1]!;
    if (name === 'h' || name === 'help') {
      out.help = true;
      continue;
    }
    const flag = FLAGS[name];
    if (!flag) throw new UsageError(`flag provided but not defined: -${name}`);
    let value = m[2];
    if (flag.kind === 'bool') {
      if (value !== undefined && !/^(true|false|1|0)$/.test(value)) throw new UsageError(`invalid boolean value "${value}" for -${name}`);
      out.broadcast = value === undefined || value === 'true' || value === '1';
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: -${name}`);
      value = argv[++i]!;
    }
    if (flag.kind === 'duration') {
      const ms = parseGoDuration(value);
      if (!(ms > 0)) throw new UsageError(`invalid value for -${name}: must be positive`);
      out[DURATION_FIELDS[name]!] = ms;
    } else if (name === 'renewscale') {
      const f = Number(value);
      if (!(f > 0 && f <= 1)) throw new UsageError(`invalid value "${value}" for -renewscale: want 0 < f <= 1`);
      out.renewScale = f;
    } else {
      out[name as 'pidfile' | 'hostprefix' | 'socketpath' | 'statedir'] = value;
    }
  }
  if (!out.socketpath) out.socketpath = DEFAULT_SOCKET_PATH;
  return out;
}

