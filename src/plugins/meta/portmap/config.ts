/**
 * portmap's config: every key of the reference with its default, validated once for all verbs.
 *
 * backend: "nftables" (default here; the reference defaults to iptables) or "iptables". When the
 * key is absent and the config carries iptables-only options (externalSetMarkChain, or conditions
 * in iptables syntax), iptables is chosen, so configs written for the reference keep working.
 */
import type { NetConf } from '../../../spec/types.js';
import { CniError, ErrorCode, invalidConfig } from '../../../spec/errors.js';
import { checkIptablesConditions, compileNftConditions, conditionsSyntax, type ConditionsKey } from './conditions.js';
import { optBool, optInt, optString, optStringArray, present } from '../../../lib/config-fields.js';
import { parsePortMappings, type PortMapping } from './mappings.js';

export type Backend = 'iptables' | 'nftables';
const BACKENDS: readonly Backend[] = ['iptables', 'nftables'];

/** The default mark bit that flags traffic to masquerade (Kubernetes uses 14 and 15, Calico 20-31). */
export const DEFAULT_MARK_BIT = 13;

export interface PortmapSettings {
  backend: Backend;
  /** Masquerade hairpin and localhost traffic to the container (default true). */
  snat: boolean;
  /** Masquerade traffic from every source, not only hairpin and localhost. */
  masqAll: boolean;
  /** iptables: bit of the packet mark that flags traffic to masquerade. */
  markMasqBit: number;
  /** iptables: an existing chain that sets the masquerade mark (e.g. KUBE-MARK-MASQ). */
  externalSetMarkChain?: string;
  /** Extra matches (iptables arguments or nft syntax, per backend). */
  conditionsV4: string[];
  conditionsV6: string[];
  portMappings: PortMapping[];
}

export interface PortmapConf extends NetConf {
  settings: PortmapSettings;
}

const CHAIN_RE = /^[A-Za-z0-9_.:\-]{1,28}$/;

function chooseBackend(raw: NetConf, conditions: Record<ConditionsKey, string[]>): Backend {
  const requested = optString(raw, 'backend');
  if (requested !== undefined && !BACKENDS.includes(requested as Backend)) throw invalidConfig(`unrecognized backend ${JSON.stringify(requested)}`);
  const only: Record<Backend, string[]> = { iptables: [], nftables: [] };
  if (present(raw, 'externalSetMarkChain')) only.iptables.push('externalSetMarkChain');
  for (const key of ['conditionsV4', 'conditionsV6'] as const) {
    const syntax = conditionsSyntax(conditions[key]);
    if (syntax) only[syntax].push(key);
  }
  const backend: Backend = (requested as Backend | undefined) ?? (only.iptables.length > 0 ? 'iptables' : 'nftables');
  const wrong: Backend = backend === 'iptables' ? 'nftables' : 'iptables';
  if (only[wrong].length > 0) {
    // The reference's message; code 2 because the key cannot be honoured by this backend.
    throw new CniError(
      ErrorCode.UnsupportedField,
      `${backend} backend was requested but configuration contains ${wrong}-specific options [${only[wrong].join(' ')}]`,
      only[wrong].join(', '),
    );
  }
  return backend;
}

function markBit(raw: NetConf): number {
  if (present(raw, 'markMasqBit') && present(raw, 'externalSetMarkChain')) throw invalidConfig('Cannot specify externalSetMarkChain and markMasqBit');
  const bit = optInt(raw, 'markMasqBit', DEFAULT_MARK_BIT);
  if (bit < 0 || bit > 31) throw invalidConfig('MasqMarkBit must be between 0 and 31');
  return bit;
}

function externalChain(raw: NetConf): string | undefined {
  const chain = optString(raw, 'externalSetMarkChain');
  if (chain !== undefined && !CHAIN_RE.test(chain)) throw invalidConfig(`invalid externalSetMarkChain ${JSON.stringify(chain)}`);
  return chain;
}

export function parsePortmapConfig(raw: NetConf): PortmapConf {
  const conditions = { conditionsV4: optStringArray(raw, 'conditionsV4') ?? [], conditionsV6: optStringArray(raw, 'conditionsV6') ?? [] };
  const backend = chooseBackend(raw, conditions);
  const settings: PortmapSettings = {
    backend,
    snat: optBool(raw, 'snat', true),
    masqAll: optBool(raw, 'masqAll', false),
    markMasqBit: markBit(raw),
    ...conditions,
    portMappings: parsePortMappings(raw.runtimeConfig?.portMappings),
  };
  const ext = externalChain(raw);
  if (ext !== undefined) settings.externalSetMarkChain = ext;
  // Refuse what cannot be compiled now, not halfway through an ADD.
  for (const key of ['conditionsV4', 'conditionsV6'] as const) {
    if (backend === 'nftables') compileNftConditions(key, key === 'conditionsV4' ? 4 : 6, conditions[key]);
    else checkIptablesConditions(key, conditions[key]);
  }
  return { ...raw, settings };
}
