/** Argument checks libcni makes before an ADD (pkg/utils), with the same codes and messages. */
import { CniError, ErrorCode } from '../spec/errors.js';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const MAX_IFNAME_LEN = 15;

export function validateContainerId(id: string): void {
  if (id === '') throw new CniError(ErrorCode.UnknownContainer, 'missing containerID');
  if (!NAME_RE.test(id)) throw new CniError(ErrorCode.InvalidEnvironmentVariables, 'invalid characters in containerID', id);
}

export function validateNetworkName(name: string): void {
  if (name === '') throw new CniError(ErrorCode.InvalidNetworkConfig, 'missing network name:');
  if (!NAME_RE.test(name)) throw new CniError(ErrorCode.InvalidNetworkConfig, 'invalid characters found in network name', name);
}

export function validateInterfaceName(ifName: string): void {
  const bad = (msg: string, details?: string) => new CniError(ErrorCode.InvalidEnvironmentVariables, msg, details);
  if (ifName === '') throw bad('interface name is empty');
  if (ifName.length > MAX_IFNAME_LEN) throw bad('interface name is too long', `interface name should be less than ${MAX_IFNAME_LEN + 1} characters`);
  if (ifName === '.' || ifName === '..') throw bad('interface name is . or ..');
  if (/[/:\s]/.test(ifName)) throw bad('interface name contains / or : or whitespace characters');
}
