/**
 * The delegate's config, rendered from flannel's config and subnet.env exactly as the reference
 * renders it, and its bytes exactly as the reference writes them (Go's json.Marshal of a
 * map[string]interface{}: keys sorted at every level, no spaces, <>& escaped; the IPAM routes are
 * Go structs, so their keys keep the struct's order dst, gw, mtu, advmss, priority, table, scope).
 * The same bytes go to the delegate and to dataDir/<containerID>, so a node can switch between the
 * reference plugin and this one with pods running.
 */
import type { Route } from '../../../spec/types.js';
import { parseRoutes } from '../../../lib/ip/index.js';
import { marshalOrdered, sortKeys } from '../../../runtime/go-json.js';
import type { FlannelConf } from './config.js';
import type { SubnetEnv } from './subnet-env.js';

export interface RenderedDelegate {
  type: string;
  /** The delegate config, its keys in Go's order. */
  conf: Record<string, unknown>;
  bytes: Buffer;
}

const has = (o: Record<string, unknown>, k: string) => Object.hasOwn(o, k);

/** Go's omitempty on the int fields (the pointer fields table and scope keep a 0). */
function goRoute(r: Route): Route {
  const out: Route = { ...r };
  for (const k of ['mtu', 'advmss', 'priority'] as const) if (out[k] === 0) delete out[k];
  return out;
}

function delegateIpam(conf: FlannelConf, env: SubnetEnv): { ipam: Record<string, unknown>; routes: Route[] } {
  const ipam: Record<string, unknown> = { ...(conf.settings.ipam ?? {}) };
  if (!has(ipam, 'type')) ipam.type = 'host-local';
  ipam.ranges = [env.subnet, env.ip6Subnet].filter((s) => s !== undefined).map((s) => [{ subnet: s.toString() }]);
  const routes = parseRoutes(ipam.routes, 'ipam.routes').map(goRoute);
  for (const nw of [...env.networks, ...env.ip6Networks]) routes.push({ dst: nw.toString() });
  return { ipam, routes };
}

export function renderDelegate(conf: FlannelConf, env: SubnetEnv): RenderedDelegate {
  const s = conf.settings;
  const d: Record<string, unknown> = { ...s.delegate };
  if (s.runtimeConfig) d.runtimeConfig = s.runtimeConfig;
  d.name = conf.name;
  if (!has(d, 'type')) d.type = 'bridge';
  // If flanneld does not masquerade, the delegate should.
  if (!has(d, 'ipMasq')) d.ipMasq = !env.ipMasq;
  if (!has(d, 'mtu')) d.mtu = env.mtu;
  if (d.type === 'bridge' && !has(d, 'isGateway')) d.isGateway = true;
  if (s.writtenCniVersion !== '') d.cniVersion = s.writtenCniVersion;
  const { ipam, routes } = delegateIpam(conf, env);
  ipam.routes = routes;
  d.ipam = ipam;
  const sorted = sortKeys(d) as Record<string, unknown>;
  // Same key, so the same (sorted) position: only the routes' own key order changes back.
  (sorted.ipam as Record<string, unknown>).routes = routes;
  return { type: d.type as string, conf: sorted, bytes: Buffer.from(marshalOrdered(sorted), 'utf8') };
}
