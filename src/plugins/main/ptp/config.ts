/** ptp's config: ipMasq, ipMasqBackend, mtu, and a required IPAM plugin. */
import type { NetConf } from '../../../spec/types.js';
import { invalidConfig } from '../../../spec/errors.js';
import { optBool, optInt, optString } from '../../../lib/config-fields.js';
import { ipamTypeOf } from '../../../lib/ipam-section.js';

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
  const ipMasq = optBool(raw, 'ipMasq', false);
  const ipMasqBackend = optString(raw, 'ipMasqBackend');
  const mtu = optInt(raw, 'mtu', 0);
  if (mtu < 0) wrongType('mtu', 'a non-negative integer', mtu);
  const ipamType = ipamTypeOf(raw);
  if (ipamType === '') throw invalidConfig('ptp needs an IPAM plugin: "ipam.type" is missing');
  const settings: PtpSettings = {
    ipMasq,
    ...(ipMasqBackend ? { ipMasqBackend } : {}),
    mtu,
    ipamType,
  };
  return { ...raw, settings };
}
