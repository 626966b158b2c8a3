/** Failures while configuring or checking a container interface. Messages follow the reference. */

/** ADD could not apply a result to an interface (address, route, sysctl, DAD). */
export class InterfaceConfigError extends Error {
  override readonly name = 'InterfaceConfigError';
}

/** CHECK found the interface, an address or a route different from the prevResult. */
export class InterfaceCheckError extends Error {
  override readonly name = 'InterfaceCheckError';
}
