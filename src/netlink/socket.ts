/**
 * A blocking AF_NETLINK socket over the libc FFI, bound in the calling thread's current netns.
 * Synchronous on purpose: a socket opened inside a namespace window keeps working from anywhere,
 * but nothing here may hop to another thread.
 */
import * as libc from './ffi/libc.js';
import { NETLINK_ROUTE } from './codec/consts.js';
import type { Datagrams } from './channel.js';

/** struct sockaddr_nl { u16 family; u16 pad; u32 pid; u32 groups; } */
function sockaddrNl(pid = 0, groups = 0): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16LE(libc.AF_NETLINK, 0);
  b.writeUInt32LE(pid, 4);
  b.writeUInt32LE(groups, 8);
  return b;
}

const KERNEL = sockaddrNl();

function retryEintr<T>(fn: () => T): T {
  for (;;) {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof libc.SyscallError && err.code === 'EINTR')) throw err;
    }
  }
}

export class NetlinkSocket implements Datagrams {
  private rx = Buffer.alloc(65536);
  private readonly peek = Buffer.alloc(16);
  private closed = false;

  private constructor(
    readonly fd: number,
    readonly portId: number,
    /** Whether NETLINK_GET_STRICT_CHK took effect (the kernel then filters dumps by header). */
    readonly strictCheck: boolean,
  ) {}

  static open(protocol = NETLINK_ROUTE): NetlinkSocket {
    const fd = libc.socket(libc.AF_NETLINK, libc.SOCK_RAW | libc.SOCK_CLOEXEC, protocol);
    try {
      const optional = (opt: number) => {
        try {
          libc.setsockoptInt(fd, libc.SOL_NETLINK, opt, 1);
          return true;
        } catch {
          return false; // older kernels: plain errors / no kernel-side dump filtering
        }
      };
      optional(libc.NETLINK_EXT_ACK);
      const strict = optional(libc.NETLINK_GET_STRICT_CHK);
      libc.bind(fd, sockaddrNl());
      const addr = Buffer.alloc(12);
      libc.getsockname(fd, addr);
      return new NetlinkSocket(fd, addr.readUInt32LE(4), strict);
    } catch (err) {
      libc.close(fd);
      throw err;
    }
  }

  send(datagram: Buffer): void {
    retryEintr(() => libc.sendto(this.fd, datagram, KERNEL));
  }

  /** One datagram; the buffer grows when the kernel has a bigger one queued (MSG_PEEK|MSG_TRUNC). */
  receive(): Buffer {
    const size = retryEintr(() => libc.recv(this.fd, this.peek, libc.MSG_PEEK | libc.MSG_TRUNC));
    if (size > this.rx.length) this.rx = Buffer.alloc(size);
    const n = retryEintr(() => libc.recv(this.fd, this.rx));
    return this.rx.subarray(0, n);
  }

  describe(errno: number): string {
    return libc.strerror(errno);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    libc.close(this.fd);
  }
}
