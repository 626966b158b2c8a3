/**
 * What the VM lane needs from the host and where it is: QEMU, a Debian kernel with its modules
 * (virtio and 9p are modules there), and a statically linked busybox for the initramfs.
 * `findVmHost()` says plainly what is missing so callers can skip the lane with a reason.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface VmHost {
  qemu: string;
  kernel: string;
  kernelVersion: string;
  modulesDir: string;
  busybox: string;
}

export type VmHostProbe = { ok: true; host: VmHost } | { ok: false; reason: string };

const QEMU = 'qemu-system-x86_64';
/** What the guest's init loads; their dependencies come from modules.dep. */
export const ROOT_MODULES = ['virtio_pci', '9pnet_virtio', '9p'];

function onPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** A kernel whose modules are installed and include 9p; the newest if several. */
function findKernel(explicit?: string): { kernel: string; version: string } | string {
  const candidates = explicit ? [explicit] : fs.existsSync('/boot') ? fs.readdirSync('/boot').filter((f) => f.startsWith('vmlinuz-')).map((f) => `/boot/${f}`) : [];
  const usable = candidates
    .map((kernel) => ({ kernel, version: path.basename(kernel).replace(/^vmlinuz-/, '') }))
    .filter(({ version }) => fs.existsSync(`/lib/modules/${version}/modules.dep`) && fs.existsSync(`/lib/modules/${version}/kernel/fs/9p`))
    .sort((a, b) => b.version.localeCompare(a.version, undefined, { numeric: true }));
  if (usable[0]) return usable[0];
  return explicit ? `kernel ${explicit} has no modules under /lib/modules with 9p` : 'no kernel in /boot with modules under /lib/modules (install linux-image-amd64)';
}

/** A static binary has no PT_INTERP program header. */
function isStaticElf(file: string): boolean {
  const b = fs.readFileSync(file);
  if (b.readUInt32BE(0) !== 0x7f454c46 || b[4] !== 2) return false;
  const phoff = Number(b.readBigUInt64LE(0x20));
  const phentsize = b.readUInt16LE(0x36);
  const phnum = b.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) if (b.readUInt32LE(phoff + i * phentsize) === 3) return false;
  return true;
}

export function findVmHost(opts: { kernel?: string } = {}): VmHostProbe {
  if (process.arch !== 'x64' || process.platform !== 'linux') return { ok: false, reason: `the VM lane runs on x86-64 Linux only (this is ${process.platform}/${process.arch})` };
  const qemu = onPath(QEMU);
  if (!qemu) return { ok: false, reason: `${QEMU} is not installed (qemu-system-x86)` };
  const k = findKernel(opts.kernel ?? process.env.CNI_VM_KERNEL);
  if (typeof k === 'string') return { ok: false, reason: k };
  try {
    fs.accessSync(k.kernel, fs.constants.R_OK);
  } catch {
    return { ok: false, reason: `${k.kernel} is not readable (the VM lane runs as root)` };
  }
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((p) => fs.existsSync(p) && isStaticElf(p));
  if (!busybox) return { ok: false, reason: 'no statically linked busybox (install busybox-static)' };
  return { ok: true, host: { qemu, kernel: k.kernel, kernelVersion: k.version, modulesDir: `/lib/modules/${k.version}`, busybox } };
}
