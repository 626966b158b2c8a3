/**
 * The network `cni run` uses when the host has no configuration, as the CNI project's
 * priv-net-run example sets it up: a bridge with host-local addresses on a private range, the
 * bridge as the default gateway, and the container's traffic masqueraded behind the host's
 * addresses, so `cni run -- ping <an address the host reaches>` and outbound traffic work on a
 * fresh machine; plus loopback. Each DEL removes its container's masquerade rules (and the route
 * goes with the container's namespace); the bridge stays, like docker0.
 */
export const DEFAULT_NETWORK_NAME = 'cni-run';
export const DEFAULT_BRIDGE = 'cni-run0';
export const DEFAULT_SUBNET = '10.222.0.0/24';

export const DEFAULT_CONFLIST = {
  cniVersion: '1.1.0',
  name: DEFAULT_NETWORK_NAME,
  plugins: [
    {
      type: 'bridge',
      bridge: DEFAULT_BRIDGE,
      isGateway: true,
      ipMasq: true,
      ipam: { type: 'host-local', ranges: [[{ subnet: DEFAULT_SUBNET }]], routes: [{ dst: '0.0.0.0/0' }] },
    },
    { type: 'loopback' },
  ],
};
