/**
 * bandwidth's config: the rates and bursts (bits/s, bits) at the top level or, when none of those
 * four keys is there, from runtimeConfig.bandwidth (the "bandwidth" capability Kubernetes fills
 * from the kubernetes.io/ingress-bandwidth and egress-bandwidth annotations). Validated once with
 * the reference's messages; rates and bursts are both set or both zero.
 */
import { optStringArray, optUint, optValue } from '../../../lib/config-fields.js';
import { CniError, ErrorCode, invalidConfig } from '../../../spec/errors.js';
import type { NetConf } from '../../../spec/types.js';

export interface Bandwidth {
  ingressRate: number;
  ingressBurst: number;
  egressRate: number;
  egressBurst: number;
}

export interface BandwidthConf extends NetConf {
  /** Undefined when the config names no bandwidth at all. */
  bandwidth?: Bandwidth;
}

const KEYS = ['ingressRate', 'ingressBurst', 'egressRate', 'egressBurst'] as const;
/** burst/8 must stay below 2^32 bytes (the kernel's u32 burst). */
const MAX_UINT32 = 0xffffffff;

/** The reference's validateRateAndBurst. */
function validateRateAndBurst(rate: number, burst: number): void {
  if (burst === 0 && rate !== 0) throw invalidConfig('if rate is set, burst must also be set');
  if (rate === 0 && burst !== 0) throw invalidConfig('if burst is set, rate must also be set');
  if (Math.floor(burst / 8) >= MAX_UINT32) throw invalidConfig('burst cannot be more than 4GB');
}

/** Newer reference releases shape only some subnets (with htb); tbf shapes everything, so refuse rather than ignore. */
function refuseSubnets(raw: Record<string, unknown>): void {
  for (const key of ['shapedSubnets', 'unshapedSubnets']) {
    if (optStringArray(raw, key)?.length) {
      throw new CniError(ErrorCode.UnsupportedField, `bandwidth: "${key}" is not supported (this plugin shapes all of the interface's traffic)`);
    }
  }
}

export function parseBandwidthConfig(raw: NetConf): BandwidthConf {
  let source: Record<string, unknown> | undefined;
  if (KEYS.some((k) => optValue(raw, k) !== undefined)) source = raw;
  else {
    const rc = raw.runtimeConfig?.bandwidth as unknown;
    if (rc !== undefined && rc !== null) {
      if (typeof rc !== 'object' || Array.isArray(rc)) throw invalidConfig(`failed to load netconf: "runtimeConfig.bandwidth" must be an object, got ${JSON.stringify(rc)}`);
      source = rc as Record<string, unknown>;
    }
  }
  if (!source) return { ...raw };
  refuseSubnets(source);
  const bandwidth = {} as Bandwidth;
  for (const k of KEYS) bandwidth[k] = optUint(source, k, 0);
  validateRateAndBurst(bandwidth.ingressRate, bandwidth.ingressBurst);
  validateRateAndBurst(bandwidth.egressRate, bandwidth.egressBurst);
  return { ...raw, bandwidth };
}

export const isZero = (b: Bandwidth): boolean => b.ingressRate === 0 && b.ingressBurst === 0 && b.egressRate === 0 && b.egressBurst === 0;
