/**
 * loopback: brings `lo` up in the container netns (CNI_IFNAME is ignored, as in the reference).
 * ADD passes a prevResult through untouched, else reports lo with its addresses.
 */
import type { PluginDefinition } from '../../../skel/types.js';
import type { NetConf, Result } from '../../../spec/types.js';
import { CniError, ErrorCode } from '../../../spec/errors.js';
import { Netlink } from '../../../netlink/index.js';
import { NetnsNotFoundError } from '../../../lib/ns/index.js';
import { openNetlinkInNetns } from '../../../lib/netns-netlink.js';

const LO = 'lo';

function isLoopbackAddress(family: 4 | 6, address: string): boolean {
  return family === 4 ? address.startsWith('127.') : address === '::1';
}

export const plugin: PluginDefinition<NetConf> = {
  name: 'loopback',
  parseConfig: (raw) => raw,

  add(conf, ctx) {
    using nl = openNetlinkInNetns(ctx.args.netns);
    const lo = nl.linkByName(LO);
    nl.linkSetUp(lo.index);
    const addrs = nl.addrList({ index: lo.index });
    for (const a of addrs) {
      if (!isLoopbackAddress(a.family, a.address)) {
        throw new CniError(ErrorCode.Internal, `loopback interface found with non-loopback address "${a.address}"`);
      }
    }
    if (conf.prevResult) return conf.prevResult as Result;
    const v4 = addrs.find((a) => a.family === 4);
    const v6 = addrs.find((a) => a.family === 6);
    const result: Result = {
      cniVersion: conf.cniVersion,
      interfaces: [{ name: LO, mac: '00:00:00:00:00:00', sandbox: ctx.args.netns }],
      ips: [v4, v6].filter((a) => a !== undefined).map((a) => ({ interface: 0, address: a.cidr })),
      dns: {},
    };
    return result;
  },

  del(_conf, ctx) {
    if (!ctx.args.netns) return;
    let nl: Netlink;
    try {
      nl = openNetlinkInNetns(ctx.args.netns);
    } catch (err) {
      // The runtime may call DEL after the namespace is gone, and more than once.
      if (err instanceof CniError && err.cause instanceof NetnsNotFoundError) return;
      throw err;
    }
    using _nl = nl;
    const lo = nl.linkByNameOrNull(LO);
    if (lo) nl.linkSetDown(lo.index);
  },

  check(_conf, ctx) {
    using nl = openNetlinkInNetns(ctx.args.netns);
    if (!nl.linkByName(LO).up) throw new CniError(ErrorCode.Internal, 'loopback interface is down');
  },

  status() {
    // Nothing can make loopback unavailable.
  },

  gc() {
    // loopback keeps no state outside the namespace; nothing to collect.
  },
};
