/** bridge's own failures; messages follow the reference plugin's. */

/** The bridge could not be made, found or set up (name taken by a non-bridge, netlink failure). */
export class BridgeSetupError extends Error {
  override readonly name = 'BridgeSetupError';
}

/** The host end could not be enslaved or given its port options (hairpin, isolation, VLANs). */
export class BridgePortError extends Error {
  override readonly name = 'BridgePortError';
}

/** The gateway address could not be put on the bridge (or its VLAN interface). */
export class GatewayAddressError extends Error {
  override readonly name = 'GatewayAddressError';
}

/** CHECK found the bridge, a veth or the port different from the prevResult. */
export class BridgeCheckError extends Error {
  override readonly name = 'BridgeCheckError';
}
