/**
 * A UDP socket on port 68 of one interface inside a container's namespace. setns() moves only the
 * calling thread, so the socket is made through libc while the main thread is in the namespace
 * (SO_BINDTODEVICE, SO_BROADCAST, bound to 0.0.0.0:68), then handed to a dgram socket: libuv
 * polls it from the event loop like any other, and it keeps talking in the namespace it was made in.
 * Receiving before the interface has an address works because the client always sets the
 * broadcast flag in that state (servers then broadcast their replies).
 */
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import { Netlink } from '../../../../netlink/index.js';
import * as libc from '../../../../netlink/ffi/libc.js';
import { NetnsNotFoundError, NotANetnsError, openNetns, withNetns, type Netns } from '../../../../lib/ns/index.js';
import { CLIENT_PORT } from '../dhcp4/message.js';

export interface IfaceSocket {
  socket: dgram.Socket;
  /** The namespace's identity (nsfs device:inode), recorded with the lease. */
  netnsId: string;
  /** The interface's hardware address (chaddr). */
  mac: Buffer;
  close(): void;
}

function sockaddrIn(port: number): Buffer {
  const sa = Buffer.alloc(16);
  sa.writeUInt16LE(libc.AF_INET, 0);
  sa.writeUInt16BE(port, 2);
  return sa;
}

function openUdpFd(ns: Netns, ifName: string): number {
  return withNetns(ns, () => {
    const fd = libc.socket(libc.AF_INET, libc.SOCK_DGRAM | libc.SOCK_CLOEXEC | libc.SOCK_NONBLOCK, 0);
    try {
      libc.setsockoptInt(fd, libc.SOL_SOCKET, libc.SO_REUSEADDR, 1);
      libc.setsockoptInt(fd, libc.SOL_SOCKET, libc.SO_BROADCAST, 1);
      libc.setsockoptBuf(fd, libc.SOL_SOCKET, libc.SO_BINDTODEVICE, Buffer.from(`${ifName}\0`));
      libc.bind(fd, sockaddrIn(CLIENT_PORT));
      return fd;
    } catch (err) {
      libc.close(fd);
      throw err;
    }
  });
}

/** The path now names another namespace than the lease's (e.g. a /proc/PID path of a reused PID). */
export class NetnsReplacedError extends Error {
  override name = 'NetnsReplacedError';
}

function netnsIdOf(ns: Netns): string {
  const st = fs.fstatSync(ns.fd);
  return `${st.dev}:${st.ino}`;
}

/** Open the attachment's namespace, checking it is still the one the lease was taken in. */
function openAttachmentNetns(netnsPath: string, expectedId: string | undefined): Netns {
  const ns = openNetns(netnsPath);
  if (expectedId !== undefined && netnsIdOf(ns) !== expectedId) {
    ns.close();
    throw new NetnsReplacedError(`${netnsPath} is now another network namespace`);
  }
  return ns;
}

/**
 * Open the socket; brings the interface up first if it is down (as the reference does). Throws
 * NetnsNotFoundError / NotANetnsError / NetnsReplacedError / LinkNotFoundError when the
 * attachment is gone.
 */
export async function openIfaceSocket(netnsPath: string, ifName: string, expectedNetnsId?: string): Promise<IfaceSocket> {
  using ns = openAttachmentNetns(netnsPath, expectedNetnsId);
  const netnsId = netnsIdOf(ns);
  const nl = Netlink.openIn(ns);
  let mac: Buffer;
  try {
    const link = nl.linkByName(ifName);
    if (!link.up) nl.linkSetUp(link.index);
    mac = Buffer.from(link.mac.split(':').map((h) => parseInt(h, 16)));
  } finally {
    nl.close();
  }
  const fd = openUdpFd(ns, ifName);
  const socket = dgram.createSocket({ type: 'udp4' });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ fd }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    socket.close();
    throw err;
  }
  let open = true;
  return {
    socket,
    netnsId,
    mac,
    close: () => {
      if (open) socket.close();
      open = false;
    },
  };
}

/** Whether the namespace still exists and has the interface (false only when it is really gone). */
export function attachmentExists(netnsPath: string, ifName: string, expectedNetnsId?: string): boolean {
  try {
    using ns = openAttachmentNetns(netnsPath, expectedNetnsId);
    const nl = Netlink.openIn(ns);
    try {
      return nl.linkByNameOrNull(ifName) !== null;
    } finally {
      nl.close();
    }
  } catch (err) {
    if (err instanceof NetnsNotFoundError || err instanceof NotANetnsError || err instanceof NetnsReplacedError) return false;
    throw err;
  }
}
