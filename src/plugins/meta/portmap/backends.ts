/** The backend a config selects; iptables (and node:crypto, child processes) load only when chosen. */
import type { Backend } from './config.js';
import { NftablesPortMapper } from './nftables/backend.js';
import type { PortMapper } from './target.js';

export async function portMapper(backend: Backend): Promise<PortMapper> {
  if (backend === 'nftables') return new NftablesPortMapper();
  const { IptablesPortMapper } = await import('./iptables/backend.js');
  return new IptablesPortMapper();
}
