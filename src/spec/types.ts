/**
 * Wire types of the CNI specification: network configuration, runtime config and results
 * for every spec version. Internally plugins speak `Result` (the 1.1.0 shape); skel converts
 * to and from the version a runtime asked for (src/spec/convert.ts).
 */

export const SPEC_VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;
export type SpecVersion = (typeof SPEC_VERSIONS)[number];
export const CURRENT_VERSION: SpecVersion = '1.1.0';

export interface DNS {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

export interface Route {
  dst: string; // CIDR
  gw?: string;
  mtu?: number;
  advmss?: number;
  priority?: number;
  table?: number;
  scope?: number;
}

/** 1.x result (also the internal representation). */
export interface Interface {
  name: string;
  mac?: string;
  mtu?: number;
  sandbox?: string;
  socketPath?: string;
  pciID?: string;
}
export interface IPConfig {
  /** index into interfaces; absent or -1 when not known (IPAM results). */
  interface?: number;
  address: string; // CIDR, host address with prefix
  gateway?: string;
}
export interface Result {
  cniVersion: string;
  interfaces?: Interface[];
  ips?: IPConfig[];
  routes?: Route[];
  dns?: DNS;
}

/** 0.3.0 / 0.3.1 / 0.4.0 result. */
export interface IPConfig040 extends IPConfig {
  version: '4' | '6';
}
export interface Result040 {
  cniVersion: string;
  interfaces?: Omit<Interface, 'mtu' | 'socketPath' | 'pciID'>[];
  ips?: IPConfig040[];
  routes?: Pick<Route, 'dst' | 'gw'>[];
  dns?: DNS;
}

/** 0.1.0 / 0.2.0 result. */
export interface IPConfig020 {
  ip: string;
  gateway?: string;
  routes?: Pick<Route, 'dst' | 'gw'>[];
}
export interface Result020 {
  cniVersion: string;
  ip4?: IPConfig020;
  ip6?: IPConfig020;
  dns?: DNS;
}

export type AnyResult = Result | Result040 | Result020;

export interface IPAMConfig {
  type: string;
  [key: string]: unknown;
}

/** Keys any plugin configuration (a plugin object with name/cniVersion injected) may carry. */
export interface NetConf {
  cniVersion: string;
  name: string;
  type: string;
  capabilities?: Record<string, boolean>;
  ipam?: IPAMConfig;
  dns?: DNS;
  args?: { cni?: { ips?: string[]; mac?: string; labels?: { key: string; value: string }[]; [k: string]: unknown }; [k: string]: unknown };
  runtimeConfig?: RuntimeConfig;
  prevResult?: unknown;
  'cni.dev/valid-attachments'?: Attachment[];
  'cni.dev/attachments'?: Attachment[];
  [key: string]: unknown;
}

export interface Attachment {
  containerID: string;
  ifname: string;
}

export interface PortMapping {
  hostPort: number;
  containerPort: number;
  protocol?: 'tcp' | 'udp' | 'sctp' | string;
  hostIP?: string;
}
export interface IPRange {
  subnet: string;
  rangeStart?: string;
  rangeEnd?: string;
  gateway?: string;
}
export interface BandwidthEntry {
  ingressRate?: number;
  ingressBurst?: number;
  egressRate?: number;
  egressBurst?: number;
}
/** Well-known capability arguments (SPEC conventions). */
export interface RuntimeConfig {
  portMappings?: PortMapping[];
  ipRanges?: IPRange[][];
  bandwidth?: BandwidthEntry;
  dns?: { servers?: string[]; searches?: string[]; options?: string[] };
  ips?: string[];
  mac?: string;
  infinibandGUID?: string;
  deviceID?: string;
  aliases?: string[];
  cgroupPath?: string;
  [key: string]: unknown;
}

/** A network configuration list (.conflist) as a runtime reads it. */
export interface NetConfList {
  cniVersion: string;
  cniVersions?: string[];
  name: string;
  disableCheck?: boolean;
  disableGC?: boolean;
  loadOnlyInlinedPlugins?: boolean;
  plugins: Record<string, unknown>[];
}

export interface VersionInfo {
  cniVersion: string;
  supportedVersions: string[];
}
