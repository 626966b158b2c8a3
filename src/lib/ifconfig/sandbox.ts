/**
 * A network namespace opened for configuration: the namespace itself (sysctl writes act in the
 * calling thread's namespace, so they run inside `run`) and a netlink handle bound to it. Usually
 * the container's (`open(CNI_NETNS)`); `current()` is the plugin's own (host) namespace, whose fd
 * is where a veth's host end is sent.
 */
import { Netlink } from '../../netlink/index.js';
import { openCurrentNetns, openNetns, withNetns, NetnsNotFoundError, type Netns } from '../ns/index.js';
import { CniError, ErrorCode } from '../../spec/errors.js';

export class Sandbox implements Disposable {
  private constructor(
    readonly netns: Netns,
    readonly nl: Netlink,
  ) {}

  /**
   * Open CNI_NETNS. A missing namespace is CniError code 8 whose cause is NetnsNotFoundError
   * (DEL treats that as success, see isNetnsGone).
   */
  static open(path: string): Sandbox {
    if (!path) throw new CniError(ErrorCode.InvalidEnvironmentVariables, 'CNI_NETNS is required');
    let netns: Netns;
    try {
      netns = openNetns(path);
    } catch (err) {
      throw netnsError(path, err);
    }
    try {
      return new Sandbox(netns, Netlink.openIn(netns.fd));
    } catch (err) {
      netns.close();
      throw netnsError(path, err);
    }
  }

  /** The calling thread's own namespace (the host side of a plugin). */
  static current(): Sandbox {
    const netns = openCurrentNetns();
    try {
      return new Sandbox(netns, Netlink.openIn(netns.fd));
    } catch (err) {
      netns.close();
      throw err;
    }
  }

  get path(): string {
    return this.netns.path;
  }

  /** Run fn inside the namespace. Synchronous only: never await in there. */
  run<T>(fn: () => T): T {
    return withNetns(this.netns, fn);
  }

  close(): void {
    this.nl.close();
    this.netns.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

function netnsError(path: string, err: unknown): CniError {
  const why = err instanceof NetnsNotFoundError ? 'no such namespace' : (err as Error).message;
  return new CniError(ErrorCode.InvalidNetNS, `failed to open netns "${path}": ${why}`, undefined, { cause: err });
}

/** True when `err` says the namespace no longer exists (DEL then has nothing to clean inside it). */
export function isNetnsGone(err: unknown): boolean {
  return err instanceof CniError && err.cause instanceof NetnsNotFoundError;
}
