/**
 * Errors of the runtime library. A plugin's own error (its code, msg and details) is a
 * PluginExecError, a CniError; the library wraps it with context the way libcni does
 * (`plugin type="bridge" failed (add): <plugin message>`) and keeps it as the cause, so a caller
 * can always get back to the plugin's code with `findCniError`.
 */
import { CniError, type ErrorCodeValue } from '../spec/errors.js';

/** A plugin exited non-zero (or could not run). `code`/`message`/`details` are the plugin's. */
export class PluginExecError extends CniError {
  override readonly name = 'PluginExecError';
  constructor(
    readonly pluginPath: string,
    code: ErrorCodeValue,
    msg: string,
    details?: string,
    options?: { cause?: unknown },
  ) {
    super(code, msg, details, options);
  }
}

/** One plugin of a list failed; the message names it as libcni does. */
export class PluginFailedError extends Error {
  override readonly name = 'PluginFailedError';
  constructor(
    readonly pluginType: string,
    readonly pluginName: string | undefined,
    readonly verb: string,
    cause: unknown,
  ) {
    super(`plugin ${describePlugin(pluginType, pluginName)} failed (${verb}): ${errorText(cause)}`, { cause });
  }
}

export class PluginNotFoundError extends Error {
  override readonly name = 'PluginNotFoundError';
}

/** No configuration in `dir` has the requested network name. */
export class NetworkNotFoundError extends Error {
  override readonly name = 'NetworkNotFoundError';
  constructor(
    readonly dir: string,
    readonly network: string,
    /** Files that could not be read; one of them may have been meant to hold the network. */
    readonly unreadable: readonly ConfigFileError[] = [],
  ) {
    const note = unreadable.length ? ` (${unreadable.length} file(s) could not be loaded: ${unreadable.map((e) => e.message).join('; ')})` : '';
    super(`no net configuration with name "${network}" in ${dir}${note}`);
  }
}

export class NoConfigsFoundError extends Error {
  override readonly name = 'NoConfigsFoundError';
  constructor(readonly dir: string) {
    super(`no net configurations found in ${dir}`);
  }
}

/** A configuration (file or bytes) is not a valid network configuration. */
export class ConfigError extends Error {
  override readonly name: string = 'ConfigError';
}

/** A ConfigError tied to the file it came from. */
export class ConfigFileError extends ConfigError {
  override readonly name: string = 'ConfigFileError';
  constructor(
    readonly file: string,
    cause: unknown,
    /** The network name the file declares, when it could be read at all. */
    readonly network?: string,
  ) {
    super(`${file}: ${errorText(cause)}`, { cause });
  }
}

/** The result cache could not be read or written. */
export class CacheError extends Error {
  override readonly name = 'CacheError';
}

/** Several independent steps failed (GC); `errors` holds each, the message lists them one a line. */
export class MultiError extends AggregateError {
  override readonly name = 'MultiError';
  constructor(errors: Error[]) {
    super(errors, errors.map((e) => errorText(e)).join('\n'));
  }
}

export function describePlugin(type: string, name?: string): string {
  return name ? `type="${type}" name="${name}"` : `type="${type}"`;
}

/** An error's text as the reference prints it: a CNI error is `msg; details`. */
export function errorText(err: unknown): string {
  if (err instanceof CniError) return err.details ? `${err.message}; ${err.details}` : err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The first CniError found in an error's cause chain (or in an aggregate's members). */
export function findCniError(err: unknown, depth = 0): CniError | undefined {
  if (depth > 16 || !(err instanceof Error)) return undefined;
  if (err instanceof CniError) return err;
  if (err instanceof AggregateError) {
    for (const e of err.errors) {
      const found = findCniError(e, depth + 1);
      if (found) return found;
    }
  }
  return findCniError(err.cause, depth + 1);
}
