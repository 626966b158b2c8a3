/**
 * static IPAM: hands out exactly the configured addresses. No state: DEL has nothing to do;
 * CHECK compares the configuration with prevResult.
 */
import type { PluginDefinition } from '../../../skel/types.js';
import { CniError, ErrorCode, invalidConfig } from '../../../spec/errors.js';
import { CURRENT_VERSION, type Result } from '../../../spec/types.js';
import { IpAddress, IpNet } from '../../../lib/ip/index.js';
import { loadStaticConfig, type StaticConf } from './config.js';

export type { StaticConf, StaticAddress } from './config.js';

function add(conf: StaticConf): Result {
  const { addresses, routes, dns } = conf.static;
  const result: Result = {
    cniVersion: CURRENT_VERSION,
    ips: addresses.map((a) => (a.gateway ? { address: a.address.toString(), gateway: a.gateway.toString() } : { address: a.address.toString() })),
    dns,
  };
  if (routes.length) result.routes = routes;
  return result;
}

/**
 * Every configured address must be in prevResult, with the configured gateway if there is one.
 * (The reference checks only the gateways of addresses it finds; a missing address fails here too.)
 */
function check(conf: StaticConf, ifName: string): void {
  const prev = conf.prevResult as Result | undefined;
  if (!prev) throw invalidConfig('Required prevResult missing');
  const got = (prev.ips ?? []).map((ipc) => ({
    ip: IpNet.tryParse(ipc.address)?.ip.canonical(),
    gateway: ipc.gateway === undefined ? undefined : IpAddress.tryParse(ipc.gateway),
  }));
  for (const want of conf.static.addresses) {
    const ip = want.address.ip.canonical();
    const matches = got.filter((g) => ip.equals(g.ip));
    if (matches.length === 0) throw new CniError(ErrorCode.Internal, `static: address ${ip} not found in prevResult for interface ${ifName}`);
    if (want.gateway && !matches.some((g) => want.gateway!.equals(g.gateway))) {
      throw new CniError(ErrorCode.Internal, `static: Failed to match addr ${ip} on interface ${ifName}`);
    }
  }
}

export const plugin: PluginDefinition<StaticConf> = {
  name: 'static',
  // DEL needs nothing from the config: never fail it over a config that no longer validates.
  parseConfig: (raw, ctx) =>
    ctx.args.command === 'DEL' ? { ...raw, static: { addresses: [], routes: [], dns: {} } } : loadStaticConfig(raw, ctx.args.args),
  add: (conf) => add(conf),
  del: () => {
    // Nothing was allocated.
  },
  check: (conf, ctx) => check(conf, ctx.args.ifName),
};
