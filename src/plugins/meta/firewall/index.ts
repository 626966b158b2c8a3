/**
 * firewall: a chained plugin that lets the addresses of the prevResult through the host's
 * forward path and, with ingressPolicy, isolates bridges from each other. Backends: nftables
 * (default, over netlink) and iptables (the reference's chains, through iptables-restore).
 * ADD passes the prevResult through; DEL and GC find rules by their owner comment, so they need
 * neither the prevResult nor the container's namespace.
 */
import type { PluginContext, PluginDefinition } from '../../../skel/types.js';
import { CniError, ErrorCode } from '../../../spec/errors.js';
import type { Result } from '../../../spec/types.js';
import { attachmentRules, requirePrevResult } from './attachment.js';
import { FirewallCheckError, type FirewallBackend } from './backend.js';
import { parseFirewallConfig, type FirewallConf } from './config.js';
import { IptablesBackend } from './iptables.js';
import { NftablesBackend } from './nftables.js';
import { staleOwnerTest, type Owner } from './owner.js';
import { validAttachments } from './valid-attachments.js';

/** firewalld would need D-Bus; refusing beats silently doing nothing. */
function firewalldUnsupported(): CniError {
  return new CniError(ErrorCode.UnsupportedField, 'backend "firewalld" is not supported by this build (use "nftables" or "iptables")', '"backend": "firewalld"');
}

/** The configured backend; undefined for firewalld, which installed nothing to remove. */
function backendFor(conf: FirewallConf): FirewallBackend | undefined {
  switch (conf.settings.backend) {
    case 'nftables':
      return new NftablesBackend();
    case 'iptables':
      return new IptablesBackend(conf.settings.adminChain);
    case 'firewalld':
      return undefined;
  }
}

function requireBackend(conf: FirewallConf): FirewallBackend {
  const b = backendFor(conf);
  if (!b) throw firewalldUnsupported();
  return b;
}

const ownerOf = (conf: FirewallConf, ctx: PluginContext): Owner => ({ network: conf.name, containerId: ctx.args.containerId, ifName: ctx.args.ifName });

export const plugin: PluginDefinition<FirewallConf> = {
  name: 'firewall',
  parseConfig: (raw) => parseFirewallConfig(raw),

  add(conf, ctx) {
    const prev = requirePrevResult(conf.prevResult);
    const backend = requireBackend(conf);
    const rules = attachmentRules(ownerOf(conf, ctx), prev, conf.settings.ingressPolicy);
    backend.add(rules);
    ctx.log.debug({ backend: conf.settings.backend, addresses: rules.addresses.length, ingressPolicy: rules.ingressPolicy }, 'firewall: rules installed');
    return prev satisfies Result;
  },

  del(conf, ctx) {
    backendFor(conf)?.del(ownerOf(conf, ctx));
  },

  check(conf, ctx) {
    const prev = requirePrevResult(conf.prevResult);
    const backend = requireBackend(conf);
    try {
      backend.check(attachmentRules(ownerOf(conf, ctx), prev, conf.settings.ingressPolicy));
    } catch (err) {
      if (err instanceof FirewallCheckError) throw new CniError(ErrorCode.Internal, err.message, undefined, { cause: err });
      throw err;
    }
  },

  gc(conf) {
    const keep = validAttachments(conf);
    backendFor(conf)?.gc(staleOwnerTest(conf.name, keep));
  },

  status(conf) {
    try {
      requireBackend(conf).status();
    } catch (err) {
      if (err instanceof CniError) throw err;
      throw new CniError(ErrorCode.PluginNotAvailable, `firewall backend ${conf.settings.backend} is not available: ${(err as Error).message}`, undefined, { cause: err });
    }
  },
};
