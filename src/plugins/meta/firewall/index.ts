/**
 * firewall: a chained plugin that lets the addresses of the prevResult through the host's
 * forward path and, with ingressPolicy, isolates bridges from each other. Backends: nftables
 * (over netlink) and iptables (the reference's chains, through iptables-restore); by default the
 * one the host filters with (resolveBackend).
 * ADD passes the prevResult through; DEL and GC find rules by their owner comment, so they need
 * neither the prevResult nor the container's namespace.
 */
import type { PluginContext, PluginDefinition } from '../../../skel/types.js';
import { CniError, ErrorCode } from '../../../spec/errors.js';
import type { Result } from '../../../spec/types.js';
import { attachmentRules, requirePrevResult } from './attachment.js';
import { FirewallCheckError, type FirewallBackend } from './backend.js';
import { parseFirewallConfig, type BackendName, type FirewallConf } from './config.js';
import { iptablesFiltersForward, useIptablesFlavour } from '../../../lib/iptables/index.js';
import { IptablesBackend } from './iptables.js';
import { NftablesBackend } from './nftables.js';
import { staleOwnerTest, type Owner } from './owner.js';
import { validAttachments } from './valid-attachments.js';

/** firewalld would need D-Bus; refusing beats silently doing nothing. */
function firewalldUnsupported(): CniError {
  return new CniError(ErrorCode.UnsupportedField, 'backend "firewalld" is not supported by this build (use "nftables" or "iptables")', '"backend": "firewalld"');
}

/**
 * "auto" (backend absent or ""): iptables when the host filters forwarded traffic with iptables
 * (a FORWARD chain with a DROP policy or rules, legacy or nft flavour), because accepts in our own
 * nftables table cannot undo iptables' DROP (the container would have no traffic); else nftables
 * (nothing to override, and no process started). The reference picks iptables unless firewalld runs.
 */
function resolveBackend(conf: FirewallConf, ctx: PluginContext): BackendName {
  const choice = conf.settings.backend;
  if (choice !== 'auto') return choice;
  const found = iptablesFiltersForward();
  // The rules go into the flavour (legacy or nft) whose chains do the filtering.
  useIptablesFlavour(found?.flavour);
  const backend = found ? 'iptables' : 'nftables';
  ctx.log.debug({ backend, reason: found?.reason ?? 'no iptables filtering of forwarded traffic' }, 'firewall: backend chosen');
  return backend;
}

/** The backend in use; undefined for firewalld, which installed nothing to remove. */
function backendFor(conf: FirewallConf, ctx: PluginContext): FirewallBackend | undefined {
  return backendNamed(resolveBackend(conf, ctx), conf);
}

/**
 * DEL and GC: with "auto" the host may have changed since ADD (Docker started, iptables flushed),
 * so both backends clean up; each finds only its own rules, and iptables is not started when no
 * iptables table could hold our chains.
 */
function cleanupBackends(conf: FirewallConf, ctx: PluginContext): FirewallBackend[] {
  if (conf.settings.backend !== 'auto') return [backendFor(conf, ctx)].filter((b): b is FirewallBackend => b !== undefined);
  useIptablesFlavour(iptablesFiltersForward()?.flavour);
  return [backendNamed('nftables', conf)!, backendNamed('iptables', conf)!];
}

function backendNamed(name: BackendName, conf: FirewallConf): FirewallBackend | undefined {
  switch (name) {
    case 'nftables':
      return new NftablesBackend();
    case 'iptables':
      return new IptablesBackend(conf.settings.adminChain);
    case 'firewalld':
      return undefined;
  }
}

function requireBackend(conf: FirewallConf, ctx: PluginContext): FirewallBackend {
  const b = backendFor(conf, ctx);
  if (!b) throw firewalldUnsupported();
  return b;
}

const ownerOf = (conf: FirewallConf, ctx: PluginContext): Owner => ({ network: conf.name, containerId: ctx.args.containerId, ifName: ctx.args.ifName });

export const plugin: PluginDefinition<FirewallConf> = {
  name: 'firewall',
  parseConfig: (raw) => parseFirewallConfig(raw),

  add(conf, ctx) {
    const prev = requirePrevResult(conf.prevResult);
    const backend = requireBackend(conf, ctx);
    const rules = attachmentRules(ownerOf(conf, ctx), prev, conf.settings.ingressPolicy);
    backend.add(rules);
    ctx.log.debug({ backend: conf.settings.backend, addresses: rules.addresses.length, ingressPolicy: rules.ingressPolicy }, 'firewall: rules installed');
    return prev satisfies Result;
  },

  del(conf, ctx) {
    for (const b of cleanupBackends(conf, ctx)) b.del(ownerOf(conf, ctx));
  },

  check(conf, ctx) {
    const prev = requirePrevResult(conf.prevResult);
    const backend = requireBackend(conf, ctx);
    try {
      backend.check(attachmentRules(ownerOf(conf, ctx), prev, conf.settings.ingressPolicy));
    } catch (err) {
      if (err instanceof FirewallCheckError) throw new CniError(ErrorCode.Internal, err.message, undefined, { cause: err });
      throw err;
    }
  },

  gc(conf, ctx) {
    const keep = validAttachments(conf);
    for (const b of cleanupBackends(conf, ctx)) b.gc(staleOwnerTest(conf.name, keep));
  },

  status(conf, ctx) {
    try {
      requireBackend(conf, ctx).status();
    } catch (err) {
      if (err instanceof CniError) throw err;
      throw new CniError(ErrorCode.PluginNotAvailable, `firewall backend ${conf.settings.backend} is not available: ${(err as Error).message}`, undefined, { cause: err });
    }
  },
};
