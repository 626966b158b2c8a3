/** Configure and check a container interface from a Result (addresses, routes, IPv6 sysctls). */
export { Sandbox, isNetnsGone } from './sandbox.js';
export { configureInterface, type ConfigureOptions } from './configure.js';
export { validateInterfaceIPs, validateRoutes } from './validate.js';
export { settleAddresses, DAD_TIMEOUT_MS } from './settle.js';
export { enableIpv6, setDadMode, enableArpNotify, trySysctl } from './ipv6.js';
export { InterfaceConfigError, InterfaceCheckError } from './errors.js';
export { hasDnsSettings, ipFamilies } from './result.js';
