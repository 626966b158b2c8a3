/** portmap's own failures; messages follow the reference plugin's. */

/** The forwarding rules could not be installed (the cause is the netlink or iptables error). */
export class PortmapSetupError extends Error {
  override readonly name = 'PortmapSetupError';
}

/** The forwarding rules could not be removed. */
export class PortmapTeardownError extends Error {
  override readonly name = 'PortmapTeardownError';
}

/** CHECK found rules of the attachment missing or different. */
export class PortmapCheckError extends Error {
  override readonly name = 'PortmapCheckError';
}
