/**
 * Every plugin this binary serves, with the metadata `cni plugins`, `cni install` and VERSION need
 * and a lazy loader, so a plugin start evaluates only its own module graph.
 */
import type { PluginEntry } from '../skel/types.js';
import { SPEC_VERSIONS } from '../spec/types.js';

const ALL = SPEC_VERSIONS;
const IPAM = ['ipam'] as const;

export const PLUGINS: readonly PluginEntry[] = [
  { name: 'loopback', kind: 'main', summary: 'brings up the loopback interface', supportedVersions: ALL, load: () => import('./main/loopback/index.js').then((m) => m.plugin) },
  { name: 'bridge', kind: 'main', delegatesTo: IPAM, summary: 'connects the container to a Linux bridge through a veth pair', supportedVersions: ALL, load: () => import('./main/bridge/index.js').then((m) => m.plugin) },
  { name: 'ptp', kind: 'main', delegatesTo: IPAM, summary: 'point-to-point veth pair routed through the host', supportedVersions: ALL, load: () => import('./main/ptp/index.js').then((m) => m.plugin) },
  { name: 'macvlan', kind: 'main', delegatesTo: IPAM, summary: 'a macvlan link on a host interface, with its own MAC', supportedVersions: ALL, load: () => import('./main/macvlan/index.js').then((m) => m.plugin) },
  { name: 'ipvlan', kind: 'main', delegatesTo: IPAM, summary: 'an ipvlan link (l2, l3, l3s) on a host interface, sharing its MAC', supportedVersions: ALL, load: () => import('./main/ipvlan/index.js').then((m) => m.plugin) },
  { name: 'vlan', kind: 'main', delegatesTo: IPAM, summary: 'an 802.1Q VLAN link on a host interface', supportedVersions: ALL, load: () => import('./main/vlan/index.js').then((m) => m.plugin) },
  { name: 'host-device', kind: 'main', delegatesTo: IPAM, summary: 'moves an existing host device into the container and back', supportedVersions: ALL, load: () => import('./main/host-device/index.js').then((m) => m.plugin) },
  { name: 'dummy', kind: 'main', delegatesTo: IPAM, summary: 'a dummy link in the container carrying IPAM addresses', supportedVersions: ALL, load: () => import('./main/dummy/index.js').then((m) => m.plugin) },
  { name: 'tap', kind: 'main', delegatesTo: IPAM, summary: 'a persistent tap device in the container (for VMs), optionally on a bridge', supportedVersions: ALL, load: () => import('./main/tap/index.js').then((m) => m.plugin) },
  { name: 'host-local', kind: 'ipam', summary: 'allocates addresses from ranges, reserved as files on the host', supportedVersions: ALL, load: () => import('./ipam/host-local/index.js').then((m) => m.plugin) },
  { name: 'static', kind: 'ipam', summary: 'hands out the addresses written in the config', supportedVersions: ALL, load: () => import('./ipam/static/index.js').then((m) => m.plugin) },
  { name: 'dhcp', kind: 'ipam', summary: 'addresses from the network\'s DHCP server, leases kept by `dhcp daemon` (persisted across restarts)', supportedVersions: ALL, load: () => import('./ipam/dhcp/index.js').then((m) => m.plugin) },
  { name: 'portmap', kind: 'meta', summary: 'forwards host ports to the container (nftables or iptables)', supportedVersions: ALL, load: () => import('./meta/portmap/index.js').then((m) => m.plugin) },
  { name: 'bandwidth', kind: 'meta', summary: 'shapes the container\'s ingress and egress traffic with tbf (and an IFB) over netlink', supportedVersions: ALL, load: () => import('./meta/bandwidth/index.js').then((m) => m.plugin) },
  { name: 'tuning', kind: 'meta', summary: 'sets network sysctls and interface MAC, MTU, promiscuity, all-multicast, txqueuelen in the container', supportedVersions: ALL, load: () => import('./meta/tuning/index.js').then((m) => m.plugin) },
  { name: 'sbr', kind: 'meta', summary: 'source-based routing: a routing table and source rules per container address', supportedVersions: ALL, load: () => import('./meta/sbr/index.js').then((m) => m.plugin) },
  { name: 'firewall', kind: 'meta', summary: 'lets container addresses through the host firewall, with optional bridge isolation', supportedVersions: ALL, load: () => import('./meta/firewall/index.js').then((m) => m.plugin) },
  { name: 'flannel', kind: 'meta', delegatesTo: ['main', 'ipam'], summary: "hands the attachment to bridge (or another plugin) with the node's subnet from flanneld's subnet.env", supportedVersions: ALL, load: () => import('./meta/flannel/index.js').then((m) => m.plugin) },
  { name: 'vrf', kind: 'meta', summary: 'puts the container interface into a VRF (its own routing table) in the container namespace', supportedVersions: ALL, load: () => import('./meta/vrf/index.js').then((m) => m.plugin) },
];

export function findPlugin(name: string): PluginEntry | undefined {
  return PLUGINS.find((p) => p.name === name);
}

/**
 * The plugins the executable's bundle for `name` carries: the plugin, and every plugin of a kind
 * it delegates to, and theirs in turn (flannel -> bridge -> host-local). The build bundles each
 * plugin with exactly these (build.ts): a start then compiles and loads no other plugin's code.
 */
export function bundleMembers(name: string): string[] {
  const members = new Set<string>();
  const visit = (entry: PluginEntry | undefined) => {
    if (!entry || members.has(entry.name)) return;
    members.add(entry.name);
    for (const p of PLUGINS) if (entry.delegatesTo?.includes(p.kind)) visit(p);
  };
  visit(findPlugin(name));
  return [...members];
}

/**
 * findPlugin for in-process delegation: only the plugins this bundle carries (`bundled`, a comma
 * list the build writes into each plugin's bundle; absent or "*": all of them, as from source and in
 * the CLI's bundle). A delegate it does not carry is exec'd, like any plugin that is not ours.
 */
export function bundledLookup(bundled: string | undefined): (name: string) => PluginEntry | undefined {
  if (bundled === undefined || bundled === '*') return findPlugin;
  const names = new Set(bundled.split(','));
  return (name) => (names.has(name) ? findPlugin(name) : undefined);
}
