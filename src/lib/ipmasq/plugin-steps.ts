/**
 * ipMasq as bridge and ptp use it, one function per verb. The backends are loaded only when a
 * config asks for masquerading (dynamic import), so plugins without it never load them.
 */
import type { Rollback } from '../rollback.js';
import type { PluginContext } from '../../skel/types.js';
import type { IPConfig, NetConf } from '../../spec/types.js';
import { parseIpMasqBackend } from './backend-name.js';
import { validAttachmentsOf } from './valid-attachments.js';

export interface MasqSettings {
  ipMasq: boolean;
  ipMasqBackend?: string;
}

const load = () => import('./index.js');

/** Validate before ADD touches anything: an unknown backend is code 7. */
export function checkMasqSettings(s: MasqSettings): void {
  if (s.ipMasq) parseIpMasqBackend(s.ipMasqBackend);
}

/** ADD: masquerade every address of the result; a later failure of the ADD removes it again. */
export async function addMasquerade(network: string, s: MasqSettings, ctx: PluginContext, rb: Rollback, ips: readonly IPConfig[]): Promise<void> {
  if (!s.ipMasq) return;
  const m = await load();
  const attachment = { network, ifName: ctx.args.ifName, containerId: ctx.args.containerId };
  rb.defer('ipMasq teardown', () => m.teardownIPMasq(attachment));
  m.setupIPMasq({ ...attachment, backend: s.ipMasqBackend, ips });
}

/** DEL: remove the attachment's masquerading from both backends (no netns or addresses needed). */
export async function delMasquerade(network: string, s: MasqSettings, ctx: PluginContext): Promise<void> {
  if (!s.ipMasq) return;
  const m = await load();
  m.teardownIPMasq({ network, ifName: ctx.args.ifName, containerId: ctx.args.containerId });
}

/** CHECK: the rules of the configured backend are there for every address of the prevResult. */
export async function checkMasquerade(network: string, s: MasqSettings, ctx: PluginContext, ips: readonly IPConfig[]): Promise<void> {
  if (!s.ipMasq || ips.length === 0) return;
  const m = await load();
  m.checkIPMasq({ network, ifName: ctx.args.ifName, containerId: ctx.args.containerId, backend: s.ipMasqBackend, ips });
}

/** GC: remove the network's masquerading of attachments not in cni.dev/valid-attachments. */
export async function gcMasquerade(conf: NetConf, s: MasqSettings): Promise<void> {
  if (!s.ipMasq) return;
  const valid = validAttachmentsOf(conf);
  const m = await load();
  m.gcIPMasq(conf.name, valid);
}
