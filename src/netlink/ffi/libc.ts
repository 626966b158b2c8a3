/**
 * The one module that imports koffi: the handful of libc calls the project needs and nothing
 * else. Every wrapper throws SyscallError (with the errno name) instead of returning -1.
 */
import koffi from 'koffi';
import { constants } from 'node:os';

const libc = koffi.load('libc.so.6');

const c = {
  socket: libc.func('int socket(int domain, int type, int protocol)'),
  bind: libc.func('int bind(int fd, const void *addr, uint32_t addrlen)'),
  getsockname: libc.func('int getsockname(int fd, void *addr, _Inout_ uint32_t *addrlen)'),
  setsockopt: libc.func('int setsockopt(int fd, int level, int name, const void *val, uint32_t len)'),
  sendto: libc.func('intptr_t sendto(int fd, const void *buf, size_t len, int flags, const void *addr, uint32_t addrlen)'),
  recv: libc.func('intptr_t recv(int fd, void *buf, size_t len, int flags)'),
  close: libc.func('int close(int fd)'),
  setns: libc.func('int setns(int fd, int nstype)'),
  unshare: libc.func('int unshare(int flags)'),
  mount: libc.func('int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)'),
  umount2: libc.func('int umount2(const char *target, int flags)'),
  flock: libc.func('int flock(int fd, int op)'),
  // ioctl is variadic in C; every request used here takes one integer-sized argument, which the
  // x86-64/aarch64 calling conventions pass exactly like this fixed three-argument form.
  ioctl: libc.func('int ioctl(int fd, unsigned long request, uintptr_t arg)'),
  // The same call for requests that take a pointer to a struct (struct ifreq for TUNSETIFF).
  ioctlPtr: libc.func('ioctl', 'int', ['int', 'unsigned long', 'void *']),
  strerror: libc.func('const char *strerror(int errnum)'),
};

const errnoNames: Record<number, string> = Object.fromEntries(
  Object.entries(constants.errno).map(([name, num]) => [num, name]),
);

export class SyscallError extends Error {
  override readonly name = 'SyscallError';
  readonly code: string;
  constructor(readonly syscall: string, readonly errno: number) {
    const code = errnoNames[errno] ?? `E${errno}`;
    super(`${syscall}: ${code}`);
    this.code = code;
  }
}

export function errnoName(errno: number): string {
  return errnoNames[errno] ?? `E${errno}`;
}

function check(name: string, ret: number | bigint): number {
  const n = Number(ret);
  if (n < 0) throw new SyscallError(name, koffi.errno());
  return n;
}

export const AF_INET = 2;
export const AF_NETLINK = 16;
export const SOCK_DGRAM = 2;
export const SOCK_NONBLOCK = 0o4000;
export const SO_REUSEADDR = 2;
export const SO_BROADCAST = 6;
export const SO_BINDTODEVICE = 25;
export const SOCK_RAW = 3;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const SOL_NETLINK = 270;
export const SO_RCVBUF = 8;
export const SO_SNDBUF = 7;
/** Like SO_SNDBUF / SO_RCVBUF but past net.core.{w,r}mem_max (needs CAP_NET_ADMIN). */
export const SO_SNDBUFFORCE = 32;
export const SO_RCVBUFFORCE = 33;
export const MSG_PEEK = 0x2;
export const MSG_TRUNC = 0x20;
export const NETLINK_EXT_ACK = 11;
export const NETLINK_GET_STRICT_CHK = 12;
export const CLONE_NEWNET = 0x40000000;
export const MS_BIND = 4096;
export const MS_REC = 16384;
export const MS_SHARED = 1 << 20;
/** ioctl on a namespace fd: returns its CLONE_NEW* type (Linux >= 4.11). */
export const NS_GET_NSTYPE = 0xb703;
export const MNT_DETACH = 2;
export const LOCK_EX = 2;
export const LOCK_UN = 8;
export const LOCK_NB = 4;

export function socket(domain: number, type: number, protocol: number): number {
  return check('socket', c.socket(domain, type, protocol));
}
export function bind(fd: number, addr: Buffer): void {
  check('bind', c.bind(fd, addr, addr.length));
}
export function getsockname(fd: number, addr: Buffer): number {
  const len = [addr.length];
  check('getsockname', c.getsockname(fd, addr, len));
  return len[0]!;
}
export function setsockoptInt(fd: number, level: number, name: number, value: number): void {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value);
  check('setsockopt', c.setsockopt(fd, level, name, b, 4));
}
/** setsockopt with a raw value (e.g. SO_BINDTODEVICE's interface name). */
export function setsockoptBuf(fd: number, level: number, name: number, value: Buffer): void {
  check('setsockopt', c.setsockopt(fd, level, name, value, value.length));
}
export function sendto(fd: number, buf: Buffer, addr: Buffer | null): number {
  return check('sendto', c.sendto(fd, buf, buf.length, 0, addr, addr ? addr.length : 0));
}
export function recv(fd: number, buf: Buffer, flags = 0): number {
  return check('recv', c.recv(fd, buf, buf.length, flags));
}
export function close(fd: number): void {
  check('close', c.close(fd));
}
export function setns(fd: number, nstype: number): void {
  check('setns', c.setns(fd, nstype));
}
export function unshare(flags: number): void {
  check('unshare', c.unshare(flags));
}
export function mount(source: string, target: string, fstype: string | null, flags: number): void {
  check('mount', c.mount(source, target, fstype, flags, null));
}
export function umount2(target: string, flags: number): void {
  check('umount2', c.umount2(target, flags));
}
export function flock(fd: number, op: number): void {
  check('flock', c.flock(fd, op));
}
/** ioctl whose argument is an integer (or unused); returns the syscall's non-negative result. */
export function ioctlInt(fd: number, request: number, arg = 0): number {
  return check('ioctl', c.ioctl(fd, request, arg));
}
/** ioctl whose argument points at `buf` (read and written by the kernel in place). */
export function ioctlBuffer(fd: number, request: number, buf: Buffer): number {
  return check('ioctl', c.ioctlPtr(fd, request, buf));
}
/** The C library's text for an errno, e.g. 17 -> "File exists". */
export function strerror(errno: number): string {
  return String(c.strerror(errno));
}

/** What getrusage reports (struct rusage), times in milliseconds, maxRssKb in KiB. */
export interface ResourceUsage {
  userMs: number;
  sysMs: number;
  /** Largest resident set: of this process, or (RUSAGE_CHILDREN) of the largest waited-for child. */
  maxRssKb: number;
  minorFaults: number;
  majorFaults: number;
  voluntaryCtxSwitches: number;
  involuntaryCtxSwitches: number;
}
export const RUSAGE_SELF = 0;
/** Every descendant that has been waited for (plugin processes a runtime started and reaped). */
export const RUSAGE_CHILDREN = -1;
// Declared on first use: only the benchmark needs it, and every koffi declaration costs a start.
let getrusageFn: ReturnType<typeof libc.func> | undefined;
export function getrusage(who: number): ResourceUsage {
  getrusageFn ??= libc.func('int getrusage(int who, _Out_ uint8_t *usage)');
  const buf = Buffer.alloc(144); // sizeof(struct rusage) on 64-bit Linux
  check('getrusage', getrusageFn(who, buf));
  const tv = (off: number) => Number(buf.readBigInt64LE(off)) * 1000 + Number(buf.readBigInt64LE(off + 8)) / 1000;
  const long = (off: number) => Number(buf.readBigInt64LE(off));
  return { userMs: tv(0), sysMs: tv(16), maxRssKb: long(32), minorFaults: long(64), majorFaults: long(72), voluntaryCtxSwitches: long(128), involuntaryCtxSwitches: long(136) };
}
