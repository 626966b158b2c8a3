/** host-local's configuration after validation: every range canonical, defaults filled in. */
import type { NetConf, Route } from '../../../../spec/types.js';
import type { IpAddress, IpNet } from '../../../../lib/ip/index.js';

/** One pool of addresses: [rangeStart, rangeEnd] inside subnet; the gateway is never handed out. */
export interface IpRange {
  /** A network address with its prefix (host bits are rejected). */
  subnet: IpNet;
  rangeStart: IpAddress;
  rangeEnd: IpAddress;
  gateway: IpAddress;
}

/** Ranges of one family; a container gets one address per set. */
export type RangeSet = IpRange[];

export interface HostLocalIpam {
  /** Merged: runtimeConfig.ipRanges, then the legacy top-level range, then ipam.ranges. */
  rangeSets: RangeSet[];
  routes: Route[];
  /** `<dataDir>/<network name>` holds the reservations. */
  dataDir: string;
  resolvConf?: string;
  /** From CNI_ARGS IP, args.cni.ips and runtimeConfig.ips, in that order, without duplicates. */
  requestedIps: IpAddress[];
}

export interface HostLocalConf extends NetConf {
  hostLocal: HostLocalIpam;
}

export const DEFAULT_DATA_DIR = '/var/lib/cni/networks';
