/** ptp's config: ipMasq, ipMasqBackend, mtu, and a required IPAM plugin. */
import type { NetConf } from '../../../spec/types.js';
import { invalidConfig } from '../../../spec/errors.js';

export interface PtpSettings {
  ipMasq: boolean;
  ipMasqBackend?: string;
  /** 0: kernel default. */
  mtu: number;
  ipamType: string;
}

export interface PtpConf extends NetConf {
  settings: PtpSettings;
}

function wrongType(key: string, want: string, v: unknown): never {
  throw invalidConfig(`failed to load netconf: "${key}" must be ${want}, got ${JSON.stringify(v)}`);
}

export function parsePtpConfig(raw: NetConf): PtpConf {
  const { ipMasq, ipMasqBackend, mtu } = raw;
  if (ipMasq != null && typeof ipMasq !== 'boolean') wrongType('ipMasq', 'a boolean', ipMasq);
  if (ipMasqBackend != null && typeof ipMasqBackend !== 'string') wrongType('ipMasqBackend', 'a string', ipMasqBackend);
  if (mtu != null && (typeof mtu !== 'number' || !Number.isInteger(mtu) || mtu < 0)) wrongType('mtu', 'a non-negative integer', mtu);
  const ipamType = raw.ipam?.type;
  if (typeof ipamType !== 'string' || ipamType === '') throw invalidConfig('ptp needs an IPAM plugin: "ipam.type" is missing');
  const settings: PtpSettings = {
    ipMasq: ipMasq ?? false,
    ...(ipMasqBackend ? { ipMasqBackend } : {}),
    mtu: mtu ?? 0,
    ipamType,
  };
  return { ...raw, settings };
}
