/**
 * Gateway planning from the IPAM result (the reference's calcGateways): every address belongs to
 * the container interface (index 2); with isGateway a missing gateway becomes the subnet's first
 * address; with isDefaultGateway a default route via it is added per family unless IPAM gave one;
 * the gateway addresses (with the subnet's prefix) to put on the bridge are collected per family.
 */
import type { Result } from '../../../spec/types.js';
import { IpNet, type IpFamily } from '../../../lib/ip/index.js';
import type { BridgeSettings } from './config.js';

export const CONTAINER_IFACE_INDEX = 2;

export type GatewayPlan = Record<IpFamily, IpNet[]>;

const DEFAULT_DST: Record<IpFamily, string> = { 4: '0.0.0.0/0', 6: '::/0' };

/** Network address + 1. */
export function firstAddress(net: IpNet): string {
  return net.network().add(1n)!.toString();
}

/** Fills in `result.ips[].interface`, gateways and default routes; returns the bridge addresses. */
export function planGateways(result: Result, s: Pick<BridgeSettings, 'isGateway' | 'isDefaultGateway'>): GatewayPlan {
  const plan: GatewayPlan = { 4: [], 6: [] };
  const defaultRouteFound: Record<IpFamily, boolean> = { 4: false, 6: false };
  result.routes ??= [];
  for (const ipc of result.ips ?? []) {
    const net = IpNet.parse(ipc.address);
    const family = net.family;
    ipc.interface = CONTAINER_IFACE_INDEX;
    if (!ipc.gateway && s.isGateway) ipc.gateway = firstAddress(net);
    if (s.isDefaultGateway && !defaultRouteFound[family]) {
      defaultRouteFound[family] = result.routes.some((r) => r.gw && IpNet.parse(r.dst).masked().toString() === DEFAULT_DST[family]);
      if (!defaultRouteFound[family]) {
        result.routes.push({ dst: DEFAULT_DST[family], ...(ipc.gateway ? { gw: ipc.gateway } : {}) });
        defaultRouteFound[family] = true;
      }
    }
    if (s.isGateway && ipc.gateway) plan[family].push(IpNet.parse(`${ipc.gateway}/${net.prefix}`));
  }
  return plan;
}
