/**
 * Every plugin this binary serves, with the metadata `cni plugins`, `cni install` and VERSION need
 * and a lazy loader, so a plugin start evaluates only its own module graph.
 */
import type { PluginEntry } from '../skel/types.js';
import { SPEC_VERSIONS } from '../spec/types.js';

const ALL = SPEC_VERSIONS;

export const PLUGINS: readonly PluginEntry[] = [
  { name: 'loopback', kind: 'main', summary: 'brings up the loopback interface', supportedVersions: ALL, load: () => import('./main/loopback/index.js').then((m) => m.plugin) },
  { name: 'bridge', kind: 'main', summary: 'connects the container to a Linux bridge through a veth pair', supportedVersions: ALL, load: () => import('./main/bridge/index.js').then((m) => m.plugin) },
  { name: 'ptp', kind: 'main', summary: 'point-to-point veth pair routed through the host', supportedVersions: ALL, load: () => import('./main/ptp/index.js').then((m) => m.plugin) },
  { name: 'host-local', kind: 'ipam', summary: 'allocates addresses from ranges, reserved as files on the host', supportedVersions: ALL, load: () => import('./ipam/host-local/index.js').then((m) => m.plugin) },
  { name: 'static', kind: 'ipam', summary: 'hands out the addresses written in the config', supportedVersions: ALL, load: () => import('./ipam/static/index.js').then((m) => m.plugin) },
  { name: 'portmap', kind: 'meta', summary: 'forwards host ports to the container (nftables or iptables)', supportedVersions: ALL, load: () => import('./meta/portmap/index.js').then((m) => m.plugin) },
  { name: 'firewall', kind: 'meta', summary: 'lets container addresses through the host firewall, with optional bridge isolation', supportedVersions: ALL, load: () => import('./meta/firewall/index.js').then((m) => m.plugin) },
  { name: 'vrf', kind: 'meta', summary: 'puts the container interface into a VRF (its own routing table) in the container namespace', supportedVersions: ALL, load: () => import('./meta/vrf/index.js').then((m) => m.plugin) },
];

export function findPlugin(name: string): PluginEntry | undefined {
  return PLUGINS.find((p) => p.name === name);
}
