/** Finding the host device a config names (the reference's getLink), in the plugin's namespace. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Link, Netlink } from '../../../netlink/index.js';
import { SYS_BUS_PCI, type DeviceSelector } from './config.js';

export class HostDeviceError extends Error {
  override readonly name = 'HostDeviceError';
}

function readDir(dir: string): string[] | undefined {
  try {
    return fs.readdirSync(dir);
  } catch {
    return undefined;
  }
}

/** The net/ directory of a PCI device (virtio devices have it one level down). */
function pciNetDir(pciBusID: string): string {
  const direct = path.join(SYS_BUS_PCI, pciBusID, 'net');
  if (fs.existsSync(direct)) return direct;
  const virtio = (readDir(path.join(SYS_BUS_PCI, pciBusID)) ?? []).find((e) => e.startsWith('virtio'));
  if (!virtio) throw new HostDeviceError(`no net directory under pci device ${pciBusID}`);
  return path.join(SYS_BUS_PCI, pciBusID, virtio, 'net');
}

export function findHostDevice(nl: Netlink, sel: DeviceSelector): Link {
  if ('device' in sel) {
    const link = nl.linkByNameOrNull(sel.device);
    if (!link) throw new HostDeviceError(`Link not found: ${sel.device}`);
    return link;
  }
  const links = nl.linkList();
  if ('hwaddr' in sel) {
    const link = links.find((l) => l.mac === sel.hwaddr);
    if (!link) throw new HostDeviceError(`failed to find physical interface with hwaddr ${sel.hwaddr}`);
    return link;
  }
  const netDir = 'kernelpath' in sel ? path.join(sel.kernelpath, 'net') : pciNetDir(sel.pciBusID);
  const entries = readDir(netDir);
  if (!entries) throw new HostDeviceError(`failed to find network devices at ${JSON.stringify(netDir)}`);
  const link = links.find((l) => entries.includes(l.name));
  if (!link) throw new HostDeviceError(`failed to find a network device of ${netDir} in this namespace`);
  return link;
}
