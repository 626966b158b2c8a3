/**
 * firewall's config: the reference keys (backend, iptablesAdminChainName, firewalldZone,
 * ingressPolicy) with their defaults, validated once for all verbs. `backend` adds "nftables";
 * absent or "" (what podman writes) is "auto": iptables when the host filters forwarded traffic
 * with iptables, else nftables (decided per verb, see index.ts); "firewalld" parses but is refused
 * by the verbs that would need it.
 */
import type { NetConf } from '../../../spec/types.js';
import { invalidConfig } from '../../../spec/errors.js';
import { optValue } from '../../../lib/config-fields.js';

export type BackendName = 'nftables' | 'iptables' | 'firewalld';
/** The configured choice: a backend, or 'auto' (absent or ""). */
export type BackendChoice = BackendName | 'auto';
export type IngressPolicy = 'open' | 'same-bridge' | 'isolated';

export const DEFAULT_ADMIN_CHAIN = 'CNI-ADMIN';
const BACKENDS: readonly BackendName[] = ['nftables', 'iptables', 'firewalld'];
const POLICIES: readonly IngressPolicy[] = ['open', 'same-bridge', 'isolated'];

/**
 * An iptables user chain name: at most 28 bytes (XT_EXTENSION_MAXNAMELEN - 1), no blanks or
 * quotes (it goes unquoted into iptables-restore input), not an option and not a verdict.
 */
const CHAIN_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.:+\-]{0,27}$/;
const RESERVED_TARGETS = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE', 'REJECT', 'INPUT', 'FORWARD', 'OUTPUT', 'PREROUTING', 'POSTROUTING']);

export interface FirewallSettings {
  backend: BackendChoice;
  /** iptables backend: the admin chain jumped to first from CNI-FORWARD. */
  adminChain: string;
  ingressPolicy: IngressPolicy;
  /** Parsed for compatibility; only the firewalld backend (unsupported) would use it. */
  firewalldZone: string;
}

export interface FirewallConf extends NetConf {
  settings: FirewallSettings;
}

/** A string key; JSON null and "" mean absent, like Go's zero value. */
function optString(raw: NetConf, key: string): string | undefined {
  const v = optValue(raw, key);
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw invalidConfig(`failed to load netconf: "${key}" must be a string, got ${JSON.stringify(v)}`);
  return v;
}

function oneOf<T extends string>(key: string, value: string | undefined, allowed: readonly T[], dflt: T, what: string): T {
  if (value === undefined) return dflt;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw invalidConfig(`unknown ${what}: ${JSON.stringify(value)} (${key} must be one of ${allowed.join(', ')})`);
}

function adminChain(raw: NetConf): string {
  const name = optString(raw, 'iptablesAdminChainName') ?? DEFAULT_ADMIN_CHAIN;
  if (!CHAIN_NAME_RE.test(name) || RESERVED_TARGETS.has(name)) {
    throw invalidConfig(`invalid iptablesAdminChainName ${JSON.stringify(name)}: an iptables chain name of at most 28 characters without blanks`);
  }
  return name;
}

export function parseFirewallConfig(raw: NetConf): FirewallConf {
  const settings: FirewallSettings = {
    backend: oneOf<BackendChoice>('backend', optString(raw, 'backend'), BACKENDS, 'auto', 'firewall backend'),
    adminChain: adminChain(raw),
    ingressPolicy: oneOf('ingressPolicy', optString(raw, 'ingressPolicy'), POLICIES, 'open', 'ingress policy'),
    firewalldZone: optString(raw, 'firewalldZone') ?? 'trusted',
  };
  return { ...raw, settings };
}
