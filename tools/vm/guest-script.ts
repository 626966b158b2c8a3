/**
 * The per-run script the guest executes (as PID 1, chrooted into the host's root): copy the
 * project's dist/cni into tmpfs and bind it over dist/ (reading 107 MB lazily over 9p is slow),
 * run each uvu invocation with its output on the console and in the share, record each exit
 * status, then power off.
 */
import { GUEST_SHARE } from './initramfs.js';

export interface UvuRun {
  /** Directory uvu scans, relative to the project root. */
  dir: string;
  /** uvu's file pattern (a regular expression over names under dir). */
  pattern: string;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function guestScript(root: string, runs: readonly UvuRun[]): string {
  const lines = [
    '#!/bin/sh',
    'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TMPDIR=/tmp LANG=C.UTF-8 NO_COLOR=1 CNI_VM_GUEST=1',
    `S=${GUEST_SHARE}`,
    // PID 1 must not exit (the kernel would panic) while the power-off completes.
    'off() { sync; echo o > /proc/sysrq-trigger; while :; do sleep 1 2>/dev/null; done; }',
    'mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts && mount -t tmpfs tmpfs /dev/shm',
    'ip link set lo up',
    'echo "vm: kernel $(uname -r) up after $(cut -d" " -f1 /proc/uptime) s"',
    `ROOT=${q(root)}`,
    'mkdir -p /tmp/vm-dist && cp "$ROOT/dist/cni" /tmp/vm-dist/cni && mount --bind /tmp/vm-dist "$ROOT/dist" || { echo "vm: copying dist/cni failed"; off; }',
    'cd "$ROOT" || off',
    'echo "vm: dist/cni in tmpfs after $(cut -d" " -f1 /proc/uptime) s"',
  ];
  runs.forEach((r, i) => {
    lines.push(`{ node node_modules/uvu/bin.js -r tsx ${q(r.dir)} ${q(r.pattern)} 2>&1; echo $? > "$S/status-${i}"; } | tee "$S/uvu-${i}.log"`);
  });
  lines.push('echo "vm: done after $(cut -d" " -f1 /proc/uptime) s"', 'off', '');
  return lines.join('\n');
}
