/**
 * Typed netlink failures. `code` is the errno name ('EEXIST', 'ENODEV', ...) so callers can branch
 * without numbers; `extack` is the kernel's extended-ACK text when it sent one.
 */
import { constants } from 'node:os';

const ERRNO_NAMES: Record<number, string> = {
  // Kernel-internal codes that netlink can still return (Node does not name them):
  // ERESTART from an nf_tables batch whose generation id is stale, ENOTSUPP from some drivers.
  85: 'ERESTART',
  524: 'ENOTSUPP',
  ...Object.fromEntries(Object.entries(constants.errno).map(([name, num]) => [num, name])),
};

export function errnoCode(errno: number): string {
  return ERRNO_NAMES[errno] ?? `E${errno}`;
}

export interface NetlinkErrorInit {
  /** Positive errno. */
  errno: number;
  /** What was being done, e.g. "link add v0 (veth)". */
  op: string;
  extack?: string;
  /** Human text for the errno (strerror); defaults to the code. */
  text?: string;
  cause?: unknown;
}

export class NetlinkError extends Error {
  override name = 'NetlinkError';
  readonly errno: number;
  readonly code: string;
  readonly op: string;
  readonly extack?: string;

  constructor(init: NetlinkErrorInit) {
    const code = errnoCode(init.errno);
    const text = init.text && init.text !== code ? `${code} (${init.text})` : code;
    super(`${init.op}: ${text}${init.extack ? `: ${init.extack}` : ''}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.errno = init.errno;
    this.code = code;
    this.op = init.op;
    if (init.extack) this.extack = init.extack;
  }
}

const ENODEV = constants.errno.ENODEV;

/** No link with this name or index in the handle's namespace. */
export class LinkNotFoundError extends NetlinkError {
  override name = 'LinkNotFoundError';
  readonly link: string | number;
  constructor(link: string | number, cause?: unknown) {
    super({ errno: ENODEV, op: typeof link === 'number' ? `link index ${link}` : `link "${link}"`, text: 'link not found', cause });
    this.link = link;
  }
}

/** A reply the codec could not make sense of (truncated or inconsistent lengths). */
export class NetlinkDecodeError extends Error {
  override name = 'NetlinkDecodeError';
}

const NOT_FOUND = new Set(['ENODEV', 'ENOENT', 'ESRCH', 'EADDRNOTAVAIL']);

function* causeChain(err: unknown): Generator<unknown> {
  for (let e = err, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    yield e;
    e = (e as { cause?: unknown }).cause;
  }
}

/**
 * True when the error (or one of its causes) says the object does not exist: a missing link
 * (ENODEV), route (ESRCH) or address (EADDRNOTAVAIL), or a missing table/entry (ENOENT).
 */
export function isNotFound(err: unknown): boolean {
  for (const e of causeChain(err)) if (e instanceof NetlinkError && NOT_FOUND.has(e.code)) return true;
  return false;
}

/** True when the error (or one of its causes) is EEXIST. */
export function isExists(err: unknown): boolean {
  for (const e of causeChain(err)) if (e instanceof NetlinkError && e.code === 'EEXIST') return true;
  return false;
}
