/** Asking a plugin which spec versions it supports (pkg/invoke GetVersionInfo, version.PluginDecoder). */
import { CniError, ErrorCode } from '../../spec/errors.js';
import { CURRENT_VERSION } from '../../spec/types.js';
import { errorText } from '../errors.js';
import type { VersionInfo } from '../types.js';
import { pluginEnv, type Env } from './env.js';
import type { Exec } from './exec.js';

export async function getVersionInfo(exec: Exec, pluginPath: string, baseEnv: Env): Promise<VersionInfo> {
  // libcni fills the other variables with "dummy" so strict plugins accept the call.
  const env = pluginEnv(baseEnv, { command: 'VERSION', containerId: '', netns: 'dummy', ifName: 'dummy', path: 'dummy' });
  const stdin = Buffer.from(JSON.stringify({ cniVersion: CURRENT_VERSION }));
  let stdout: Buffer;
  try {
    stdout = await exec.execPlugin(pluginPath, stdin, env);
  } catch (err) {
    // Plugins older than VERSION (spec 0.1.0) reject the command.
    if (err instanceof CniError && errorText(err) === 'unknown CNI_COMMAND: VERSION') return supports('0.1.0');
    throw err;
  }
  return decodeVersionInfo(stdout);
}

export function decodeVersionInfo(stdout: Buffer): VersionInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout.toString('utf8'));
  } catch (err) {
    throw decodeError(errorText(err), err);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw decodeError('not a JSON object');
  const { cniVersion, supportedVersions } = raw as { cniVersion?: unknown; supportedVersions?: unknown };
  if (typeof cniVersion !== 'string' || cniVersion === '') throw decodeError('missing field cniVersion');
  if (supportedVersions !== undefined && supportedVersions !== null
    && !(Array.isArray(supportedVersions) && supportedVersions.every((v) => typeof v === 'string'))) {
    throw decodeError('supportedVersions must be a list of strings');
  }
  if (!supportedVersions || supportedVersions.length === 0) {
    // A 0.2.0 plugin answered without the list it implied.
    if (cniVersion === '0.2.0') return { cniVersion, supportedVersions: ['0.1.0', '0.2.0'] };
    throw decodeError('missing field supportedVersions');
  }
  return { cniVersion, supportedVersions: [...supportedVersions] };
}

function supports(...versions: string[]): VersionInfo {
  return { cniVersion: CURRENT_VERSION, supportedVersions: versions };
}

function decodeError(problem: string, cause?: unknown): CniError {
  return new CniError(ErrorCode.DecodingFailure, `decoding version info: ${problem}`, undefined, cause === undefined ? undefined : { cause });
}
