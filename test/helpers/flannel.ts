/** subnet.env files as flanneld writes them, for flannel tests. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface SubnetEnvValues {
  network?: string;
  subnet?: string;
  ipv6Network?: string;
  ipv6Subnet?: string;
  mtu?: number;
  ipMasq?: boolean;
}

/** flanneld's layout (WriteSubnetFile): the keys it has, one per line. Returns the file's path. */
export function writeSubnetEnv(dir: string, v: SubnetEnvValues, name = 'subnet.env'): string {
  const lines: string[] = [];
  if (v.network) lines.push(`FLANNEL_NETWORK=${v.network}`);
  if (v.subnet) lines.push(`FLANNEL_SUBNET=${v.subnet}`);
  if (v.ipv6Network) lines.push(`FLANNEL_IPV6_NETWORK=${v.ipv6Network}`);
  if (v.ipv6Subnet) lines.push(`FLANNEL_IPV6_SUBNET=${v.ipv6Subnet}`);
  lines.push(`FLANNEL_MTU=${v.mtu ?? 1450}`);
  lines.push(`FLANNEL_IPMASQ=${v.ipMasq ?? true}`);
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
