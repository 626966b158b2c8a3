/**
 * dhcp IPAM: the plugin side. Every verb is one request to the dhcp daemon over its unix socket
 * (`dhcp daemon`, see daemon/); the daemon runs the DHCP exchange inside the container's namespace
 * and keeps the lease renewed. This module stays small: it is what bridge/macvlan load in-process.
 */
import { goField } from '../../../lib/go-fields.js';
import * as path from 'node:path';
import type { PluginContext, PluginDefinition } from '../../../skel/types.js';
import { validAttachments } from '../../../skel/valid-attachments.js';
import { CniError, ErrorCode } from '../../../spec/errors.js';
import type { NetConf, Result } from '../../../spec/types.js';
import { DaemonUnreachableError, callDaemonOk } from './client.js';
import { DEFAULT_SOCKET_PATH, parseDhcpIpam, type DhcpIpamConf } from './config.js';
import type { DaemonRequest, DaemonVerb } from './protocol.js';

export interface DhcpConf extends NetConf {
  dhcp: DhcpIpamConf;
}

function request(verb: DaemonVerb, ctx: PluginContext, extra: Partial<DaemonRequest> = {}): DaemonRequest {
  const { args } = ctx;
  return {
    verb,
    containerId: args.containerId,
    netns: args.netns ? path.resolve(args.netns) : '',
    ifName: args.ifName,
    args: args.args,
    config: args.stdin.toString('utf8'),
    ...extra,
  };
}

/** DEL must not fail over a config that no longer validates: only the socket path matters. */
function lenientSocketPath(raw: NetConf): string {
  const ipam = raw.ipam as Record<string, unknown> | undefined;
  const p = ipam ? goField(ipam, 'daemonSocketPath') : undefined;
  return typeof p === 'string' && p ? p : DEFAULT_SOCKET_PATH;
}

export const plugin: PluginDefinition<DhcpConf> = {
  name: 'dhcp',
  parseConfig: (raw, ctx) =>
    ctx.args.command === 'DEL' ? { ...raw, dhcp: { daemonSocketPath: lenientSocketPath(raw), request: [], provide: [] } } : { ...raw, dhcp: parseDhcpIpam(raw) },
  async add(conf, ctx): Promise<Result> {
    if (!ctx.args.netns) throw new CniError(ErrorCode.InvalidEnvironmentVariables, 'CNI_NETNS is required for ADD');
    const reply = await callDaemonOk(conf.dhcp.daemonSocketPath, request('ADD', ctx));
    if (!reply.result) throw new CniError(ErrorCode.Internal, 'DHCP daemon answered ADD without a result');
    return reply.result;
  },
  async del(conf, ctx) {
    try {
      await callDaemonOk(conf.dhcp.daemonSocketPath, request('DEL', ctx));
    } catch (err) {
      // No daemon runs: failing would hold the pod's teardown until one does (the reference fails
      // with 11, and a node whose daemon is gone for good never finishes a DEL). Nothing can be
      // released now; the lease stays in the daemon's state, which forgets it when it next starts
      // and finds the attachment gone. A daemon that runs but refuses us still fails the DEL.
      if (!(err instanceof DaemonUnreachableError) || !err.notRunning) throw err;
      ctx.log.warn({ socket: conf.dhcp.daemonSocketPath, reason: (err.cause as NodeJS.ErrnoException).code }, 'dhcp daemon not running: lease not released (the daemon forgets it when it next starts and finds the attachment gone)');
    }
  },
  async check(conf, ctx) {
    await callDaemonOk(conf.dhcp.daemonSocketPath, request('CHECK', ctx));
  },
  async gc(conf, ctx) {
    await callDaemonOk(conf.dhcp.daemonSocketPath, request('GC', ctx, { validAttachments: validAttachments(conf) }));
  },
  async status(conf, ctx) {
    // The daemon is this plugin's dependency: unreachable is "not available" (50).
    await callDaemonOk(conf.dhcp.daemonSocketPath, request('STATUS', ctx), ErrorCode.PluginNotAvailable);
  },
};
