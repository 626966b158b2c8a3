/** ipMasqBackend validation alone (no backend code loaded): plugins check it before touching anything. */
import { CniError, ErrorCode } from '../../spec/errors.js';
import { IPMASQ_BACKENDS, type IpMasqBackend } from './types.js';

/** A config's ipMasqBackend, validated: code 7 for anything but "nftables", "iptables" or absent. */
export function parseIpMasqBackend(value: unknown): IpMasqBackend | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && (IPMASQ_BACKENDS as readonly string[]).includes(value)) return value as IpMasqBackend;
  throw new CniError(ErrorCode.InvalidNetworkConfig, `unknown ipmasq backend ${JSON.stringify(value)}`);
}
