/**
 * Boot the kernel under QEMU with the host's root shared read-only and a writable share, console
 * on our stdout. Hardware virtualisation when /dev/kvm is usable, else software emulation (TCG,
 * as on these machines: several times slower). Resolves when QEMU exits or the deadline passes
 * (QEMU is then killed); QEMU is also killed if this process exits first.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import type { VmHost } from './host.js';

export interface BootOptions {
  host: VmHost;
  initrd: string;
  shareDir: string;
  timeoutMs: number;
  memoryMb?: number;
  cpus?: number;
  onConsole: (chunk: Buffer) => void;
}

export interface BootOutcome {
  timedOut: boolean;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export function kvmUsable(): boolean {
  try {
    fs.accessSync('/dev/kvm', fs.constants.R_OK | fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export function qemuArgs(o: BootOptions): string[] {
  // QEMU falls back to the next -accel when KVM cannot start; `max` suits both.
  const accel = [...(kvmUsable() ? ['-accel', 'kvm'] : []), '-accel', 'tcg,thread=multi', '-cpu', 'max'];
  return [
    '-machine', 'q35', ...accel,
    '-smp', String(o.cpus ?? 2), '-m', String(o.memoryMb ?? 2048),
    '-display', 'none', '-nodefaults', '-no-reboot', '-serial', 'stdio', '-monitor', 'none',
    '-kernel', o.host.kernel, '-initrd', o.initrd,
    '-append', 'console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init mitigations=off',
    '-fsdev', 'local,id=root,path=/,security_model=none,readonly=on,multidevs=remap',
    '-device', 'virtio-9p-pci,fsdev=root,mount_tag=hostroot',
    '-fsdev', `local,id=share,path=${o.shareDir},security_model=none`,
    '-device', 'virtio-9p-pci,fsdev=share,mount_tag=share',
  ];
}

export function boot(o: BootOptions): Promise<BootOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(o.host.qemu, qemuArgs(o), { stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, o.timeoutMs);
    process.once('exit', kill);
    child.stdout.on('data', o.onConsole);
    child.stderr.on('data', o.onConsole);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      process.removeListener('exit', kill);
      resolve({ timedOut, exitCode, signal });
    });
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        kill();
        process.exit(130);
      });
    }
  });
}
