/**
 * The netfilter side of the plugin, one implementation per backend (nftables.ts, iptables.ts).
 * Every method acts in the network namespace of the calling thread: the host's, for a plugin.
 */
import type { AttachmentRules } from './attachment.js';
import type { Owner } from './owner.js';

/** Decides, from a rule's comment, whether GC removes the rule. */
export type StaleTest = (comment: string | undefined) => boolean;

export interface FirewallBackend {
  /** Install the shared chains (if missing) and the attachment's rules, replacing any it had. */
  add(rules: AttachmentRules): void;
  /** Remove every rule of the owner; nothing there (or no table at all) is fine. */
  del(owner: Owner): void;
  /** Throw FirewallCheckError unless the shared chains and the attachment's rules are present. */
  check(rules: AttachmentRules): void;
  /** Remove every per-attachment rule the test calls stale. */
  gc(isStale: StaleTest): void;
  /** Throw when the backend cannot be used here. */
  status(): void;
}

/** CHECK found a chain or rule missing. */
export class FirewallCheckError extends Error {
  override readonly name = 'FirewallCheckError';
}

/** STATUS: the backend's tools or kernel support are missing. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
}
