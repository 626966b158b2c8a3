/**
 * IPv6 sysctls of a container interface. All run inside the sandbox (sysctls act in the calling
 * thread's namespace). Paths use slashes so interface names with dots (VLANs) work.
 */
import type { Logger } from '../../log/logger.js';
import { sysctlRead, sysctlWrite } from '../sysctl.js';
import { InterfaceConfigError } from './errors.js';
import type { Sandbox } from './sandbox.js';

const disableIpv6Key = (ifName: string) => `net/ipv6/conf/${ifName}/disable_ipv6`;

/**
 * Make sure IPv6 is on for lo and the interface before adding an IPv6 address (a read failure is
 * logged and skipped, as the reference does; a write failure is an error), and keep static
 * addresses when the link flaps (keep_addr_on_down, best effort).
 */
export function enableIpv6(sb: Sandbox, ifName: string, log?: Logger): void {
  sb.run(() => {
    for (const iface of ['lo', ifName]) {
      const key = disableIpv6Key(iface);
      let value: string;
      try {
        value = sysctlRead(key).trim();
      } catch (err) {
        log?.warn({ err, key }, 'failed to read sysctl');
        continue;
      }
      if (value === '0') continue;
      try {
        sysctlWrite(key, '0');
      } catch (err) {
        throw new InterfaceConfigError(`failed to enable IPv6 for interface "${iface}" (${key}=${value}): ${(err as Error).message}`, { cause: err });
      }
    }
    trySysctl(`net/ipv6/conf/${ifName}/keep_addr_on_down`, '1', log);
  });
}

/**
 * Duplicate address detection on the container side: with `enabled`, enhanced DAD (a nonce lets
 * the interface ignore its own probes echoed back by hairpin ports) and accept_dad=1; otherwise
 * accept_dad=0, so addresses are usable at once. Best effort, as the reference.
 */
export function setDadMode(sb: Sandbox, ifName: string, enabled: boolean, log?: Logger): void {
  sb.run(() => {
    if (enabled) {
      trySysctl(`net/ipv6/conf/${ifName}/enhanced_dad`, '1', log);
      trySysctl(`net/ipv6/conf/${ifName}/accept_dad`, '1', log);
    } else {
      trySysctl(`net/ipv6/conf/${ifName}/accept_dad`, '0', log);
    }
  });
}

/** Announce the interface's addresses with gratuitous ARP when it comes up or changes address. */
export function enableArpNotify(sb: Sandbox, ifName: string, log?: Logger): void {
  sb.run(() => trySysctl(`net/ipv4/conf/${ifName}/arp_notify`, '1', log));
}

/** Write a sysctl in the current namespace; a failure is only logged (IPv6 may be off entirely). */
export function trySysctl(key: string, value: string, log?: Logger): boolean {
  try {
    sysctlWrite(key, value);
    return true;
  } catch (err) {
    log?.debug({ err, key, value }, 'sysctl not written');
    return false;
  }
}
