/**
 * Per-container iptables chain names as the reference derives them (utils.FormatChainName with a
 * prefix): "CNI-" + prefix + the hex SHA-512 of network name + container ID, cut to 28 characters,
 * e.g. CNI-DN-8334f7910aacd81549d41. The same name lets either implementation remove the other's chain.
 */
import { sha512Hex } from '../../../../lib/hash.js';

const MAX_CHAIN_LENGTH = 28;

export function chainNameWithPrefix(network: string, containerId: string, prefix: string): string {
  const head = `CNI-${prefix}`;
  if (head.length >= MAX_CHAIN_LENGTH) throw new RangeError(`chain prefix "${prefix}" is too long`);
  const hash = sha512Hex(network + containerId);
  return (head + hash).slice(0, MAX_CHAIN_LENGTH);
}

/** The per-container DNAT chain. */
export const dnatChainName = (network: string, containerId: string): string => chainNameWithPrefix(network, containerId, 'DN-');
/** The per-container SNAT chain of old releases, removed on DEL if it is still there. */
export const oldSnatChainName = (network: string, containerId: string): string => chainNameWithPrefix(network, containerId, 'SN-');
