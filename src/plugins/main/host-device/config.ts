/**
 * host-device's config: which host device (device | hwaddr | kernelpath | pciBusID, with
 * runtimeConfig.deviceID overriding pciBusID, as the reference), an optional IPAM plugin, and where
 * the device's host-side state is kept while it is in a container.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NetConf } from '../../../spec/types.js';
import { invalidConfig } from '../../../spec/errors.js';
import { optString } from '../../../lib/config-fields.js';
import { normalizeMac } from '../../../lib/mac.js';
import { readIfName, readLinkCommon, type LinkPluginConf } from '../../../lib/link-plugin/index.js';

export const DEFAULT_DATA_DIR = '/var/lib/cni/host-device';
export const SYS_BUS_PCI = '/sys/bus/pci/devices';
/** Drivers that bind a NIC for userspace (DPDK): there is no kernel netdev to move then. */
const USERSPACE_DRIVERS = ['vfio-pci', 'uio_pci_generic', 'igb_uio'];

export type DeviceSelector = { device: string } | { hwaddr: string } | { kernelpath: string } | { pciBusID: string };

export interface HostDeviceConf extends LinkPluginConf {
  settings: {
    selector: DeviceSelector;
    /** The PCI device is bound to a userspace driver: nothing is moved, IPAM only. */
    dpdkMode: boolean;
    dataDir: string;
  };
}

function selector(raw: NetConf): DeviceSelector {
  const deviceID = typeof raw.runtimeConfig?.deviceID === 'string' ? raw.runtimeConfig.deviceID : '';
  const pciBusID = deviceID || optString(raw, 'pciBusID');
  const device = readIfName(raw, 'device');
  const hwaddr = optString(raw, 'hwaddr');
  const kernelpath = optString(raw, 'kernelpath');
  // The reference's order of preference when several are given.
  if (device) return { device };
  if (hwaddr) return { hwaddr: normalizeMac(hwaddr, 'hwaddr') };
  if (kernelpath) {
    if (!path.isAbsolute(kernelpath) || !kernelpath.startsWith('/sys/devices/')) {
      throw invalidConfig(`kernel device path ${JSON.stringify(kernelpath)} must be absolute and begin with /sys/devices/`);
    }
    return { kernelpath };
  }
  if (pciBusID) return { pciBusID };
  throw invalidConfig('specify either "device", "hwaddr", "kernelpath" or "pciBusID"');
}

function hasDpdkDriver(pciBusID: string): boolean {
  let driver: string;
  try {
    driver = path.basename(fs.realpathSync(path.join(SYS_BUS_PCI, pciBusID, 'driver')));
  } catch (err) {
    throw invalidConfig(`error with host device: ${(err as Error).message}`, err);
  }
  return USERSPACE_DRIVERS.includes(driver);
}

export function parseHostDeviceConfig(raw: NetConf): HostDeviceConf {
  const sel = selector(raw);
  const dataDir = optString(raw, 'dataDir') || DEFAULT_DATA_DIR;
  if (!path.isAbsolute(dataDir)) throw invalidConfig(`"dataDir" must be an absolute path, got ${JSON.stringify(dataDir)}`);
  return {
    ...raw,
    link: { ...readLinkCommon(raw), linkInContainer: false },
    settings: { selector: sel, dpdkMode: 'pciBusID' in sel ? hasDpdkDriver(sel.pciBusID) : false, dataDir },
  };
}
