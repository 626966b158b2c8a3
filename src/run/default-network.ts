/**
 * The network `cni run` uses when the host has no configuration: a bridge with host-local
 * addresses on a private range, plus loopback. No default route and no masquerade: the
 * container reaches the host (its gateway) and other `cni run` containers, nothing beyond.
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
      ipam: { type: 'host-local', ranges: [[{ subnet: DEFAULT_SUBNET }]] },
    },
    { type: 'loopback' },
  ],
};
