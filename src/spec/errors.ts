/**
 * CNI error codes (SPEC.md "Error" section) and the typed error every layer throws.
 * Only skel turns a CniError into the JSON a runtime reads on stdout.
 */
export const ErrorCode = {
  Unknown: 0,
  IncompatibleCniVersion: 1,
  UnsupportedField: 2,
  UnknownContainer: 3,
  InvalidEnvironmentVariables: 4,
  IOFailure: 5,
  DecodingFailure: 6,
  InvalidNetworkConfig: 7,
  InvalidNetNS: 8,
  TryAgainLater: 11,
  PluginNotAvailable: 50,
  PluginNotAvailableLimitedConnectivity: 51,
  Internal: 999,
} as const;
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode] | number;

/** The wire shape of a CNI error. */
export interface CniErrorJson {
  cniVersion?: string;
  code: number;
  msg: string;
  details?: string;
}

export class CniError extends Error {
  override readonly name: string = 'CniError';
  constructor(
    readonly code: ErrorCodeValue,
    message: string,
    readonly details?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toJSON(cniVersion?: string): CniErrorJson {
    const out: CniErrorJson = cniVersion
      ? { cniVersion, code: this.code, msg: this.message }
      : { code: this.code, msg: this.message };
    const details = detailsBeyond(this.message, this.details ?? causeText(this.cause, this.message));
    if (details) out.details = details;
    return out;
  }
}

/** Wrap anything thrown into a CniError, keeping the cause chain. */
export function asCniError(err: unknown, fallbackCode: ErrorCodeValue = ErrorCode.Internal): CniError {
  if (err instanceof CniError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new CniError(fallbackCode, msg, undefined, { cause: err });
}

/** The messages of the cause chain that `msg` does not already contain. */
function causeText(cause: unknown, msg: string): string | undefined {
  const parts: string[] = [];
  let c = cause;
  for (let depth = 0; c instanceof Error && depth < 5; depth++) {
    if (c.message && !msg.includes(c.message)) parts.push(c.message);
    c = c.cause;
  }
  return parts.length ? parts.join(': ') : undefined;
}

/** `details` only carries what `msg` does not say: never a copy or a part of it. */
function detailsBeyond(msg: string, details: string | undefined): string | undefined {
  if (!details || msg.includes(details)) return undefined;
  return details;
}

export const invalidConfig = (msg: string, cause?: unknown) =>
  new CniError(ErrorCode.InvalidNetworkConfig, msg, undefined, cause === undefined ? undefined : { cause });

/**
 * Code 7 with the reference's text in `msg` and the JSON path of the offending field(s) in
 * `details` ("field ipam.ranges[0][1].rangeStart", "fields ipam and ipam.ranges[0]"), which libcni
 * prints after the message.
 */
export const invalidField = (msg: string, ...fields: [string, ...string[]]) =>
  new CniError(ErrorCode.InvalidNetworkConfig, msg, `${fields.length > 1 ? 'fields' : 'field'} ${fields.join(' and ')}`);
