/**
 * portmap's verbs. ADD forwards the host ports to the container addresses of prevResult and
 * passes prevResult through; DEL removes the attachment's rules (no netns needed, nothing there
 * is success); CHECK verifies them; GC removes rules of attachments that are gone.
 */
import type { PluginContext } from '../../../skel/types.js';
import { CniError, ErrorCode, invalidConfig } from '../../../spec/errors.js';
import type { NetConf, Result } from '../../../spec/types.js';
import { portMapper } from './backends.js';
import type { PortmapConf } from './config.js';
import { containerAddresses } from './container-ips.js';
import { flushUdpConntrack } from './conntrack.js';
import { PortmapCheckError, PortmapSetupError, PortmapTeardownError } from './errors.js';
import { enableLocalnetRouting } from './localnet.js';
import { udpHostPorts } from './mappings.js';
import { forwardTargets, type Owner } from './target.js';
import { validAttachments } from '../../../skel/valid-attachments.js';

const owner = (conf: PortmapConf, ctx: PluginContext): Owner => ({ network: conf.name, containerId: ctx.args.containerId });

/** Failures of the kernel or of iptables: code 999 as in the reference, with the cause attached. */
function asPluginError(err: unknown): unknown {
  if (err instanceof PortmapSetupError || err instanceof PortmapTeardownError || err instanceof PortmapCheckError) {
    return new CniError(ErrorCode.Internal, err.message, undefined, { cause: err.cause ?? err });
  }
  return err;
}

export async function addPortmap(conf: PortmapConf, ctx: PluginContext): Promise<Result> {
  if (conf.prevResult === undefined || conf.prevResult === null) throw invalidConfig('must be called as chained plugin');
  const prev = conf.prevResult as Result;
  const { settings } = conf;
  if (settings.portMappings.length === 0) return prev;
  const addresses = containerAddresses(prev, ctx.args.ifName);
  // Ports asked for and nothing to forward them to: an impossible request, not a silent no-op
  // (the reference exits 0 here and the container's ports are simply unreachable).
  if (addresses.length === 0) {
    throw invalidConfig(`prevResult has no address on container interface ${JSON.stringify(ctx.args.ifName)} to forward the port mappings to`);
  }
  const targets = forwardTargets(addresses, settings.portMappings);
  if (targets.length > 0) {
    try {
      (await portMapper(settings.backend)).forward(owner(conf, ctx), settings, targets);
    } catch (err) {
      throw asPluginError(err);
    }
  }
  const v4 = addresses.find((a) => a.family === 4);
  if (settings.snat && v4 && targets.some((t) => t.family === 4)) {
    try {
      const iface = enableLocalnetRouting(v4.ip);
      ctx.log.debug({ iface }, 'portmap: route_localnet set');
    } catch (err) {
      throw new CniError(ErrorCode.Internal, `unable to enable route_localnet: ${(err as Error).message}`, undefined, { cause: err });
    }
  }
  // After the rules exist, so that the next packet of a flushed flow takes them.
  flushUdpConntrack(
    addresses.map((a) => a.family),
    udpHostPorts(settings.portMappings),
    ctx.log,
  );
  return prev;
}

export async function delPortmap(conf: PortmapConf, ctx: PluginContext): Promise<void> {
  const { settings } = conf;
  // Without mappings the reference does nothing; the nftables cleanup is cheap enough (no
  // process) to run anyway, in case a runtime lost the capability arguments of the ADD.
  if (settings.portMappings.length === 0 && settings.backend === 'iptables') return;
  try {
    (await portMapper(settings.backend)).unforward(owner(conf, ctx));
  } catch (err) {
    throw asPluginError(err);
  }
  // Entries DNAT'ed to the old container would black-hole the port for its next owner. The
  // families of the container when the runtime passes prevResult, else both.
  const prev = conf.prevResult as Result | undefined | null;
  const families = prev ? containerAddresses(prev, ctx.args.ifName).map((a) => a.family) : [];
  flushUdpConntrack(families.length ? families : [4, 6], udpHostPorts(settings.portMappings), ctx.log);
}

export async function checkPortmap(conf: PortmapConf, ctx: PluginContext): Promise<void> {
  if (conf.prevResult === undefined || conf.prevResult === null) throw invalidConfig('Required prevResult missing');
  const { settings } = conf;
  if (settings.portMappings.length === 0) return;
  const targets = forwardTargets(containerAddresses(conf.prevResult as Result, ctx.args.ifName), settings.portMappings);
  if (targets.length === 0) return;
  try {
    (await portMapper(settings.backend)).check(owner(conf, ctx), settings, targets);
  } catch (err) {
    throw asPluginError(err);
  }
}

/** Container IDs of the attachments to keep (see src/skel/valid-attachments.ts). */
export function keptContainers(conf: NetConf): Set<string> {
  return new Set(validAttachments(conf).map((a) => a.containerID));
}

export async function gcPortmap(conf: PortmapConf): Promise<void> {
  const keep = keptContainers(conf);
  try {
    (await portMapper(conf.settings.backend)).gc(conf.name, keep);
  } catch (err) {
    throw asPluginError(err);
  }
}
