/**
 * An address with a prefix length ("10.1.2.3/24"): the host address is kept, as Go's
 * types.ParseCIDR keeps it, and network()/broadcast() derive the block.
 */
import { FAMILY_BITS, IpAddress, InvalidIpError, type IpFamily } from './address.js';

function maskOf(family: IpFamily, prefix: number): bigint {
  const bits = BigInt(FAMILY_BITS[family]);
  return ((1n << BigInt(prefix)) - 1n) << (bits - BigInt(prefix));
}

export class IpNet {
  private constructor(
    /** The address as written, host bits included. */
    readonly ip: IpAddress,
    readonly prefix: number,
  ) {}

  static of(ip: IpAddress, prefix: number): IpNet {
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > ip.bits) throw new RangeError(`invalid prefix length ${prefix} for IPv${ip.family}`);
    return new IpNet(ip, prefix);
  }

  /**
   * "addr/len" like Go's net.ParseCIDR. The family is the text form's (no v4-mapped folding here,
   * the prefix length is relative to it).
   */
  static tryParse(text: string): IpNet | undefined {
    const slash = text.indexOf('/');
    if (slash < 0) return undefined;
    const ip = IpAddress.parseExact(text.slice(0, slash));
    const len = text.slice(slash + 1);
    if (!ip || !/^(0|[1-9][0-9]{0,2})$/.test(len)) return undefined;
    const prefix = Number(len);
    return prefix <= ip.bits ? new IpNet(ip, prefix) : undefined;
  }

  /** Throws InvalidIpError "invalid CIDR address: x" (Go's wording). */
  static parse(text: string): IpNet {
    const n = IpNet.tryParse(text);
    if (!n) throw new InvalidIpError(text, 'CIDR address');
    return n;
  }

  get family(): IpFamily {
    return this.ip.family;
  }

  get bits(): number {
    return this.ip.bits;
  }

  get mask(): bigint {
    return maskOf(this.family, this.prefix);
  }

  /** The network address (host bits cleared). */
  network(): IpAddress {
    return IpAddress.of(this.family, this.ip.value & this.mask);
  }

  /** The last address of the block (the IPv4 broadcast address). */
  broadcast(): IpAddress {
    const hostBits = (1n << BigInt(this.bits - this.prefix)) - 1n;
    return IpAddress.of(this.family, (this.ip.value & this.mask) | hostBits);
  }

  /** Number of addresses in the block. */
  size(): bigint {
    return 1n << BigInt(this.bits - this.prefix);
  }

  /** Whether the written address is the network address itself. */
  isNetworkAddress(): boolean {
    return this.ip.value === this.network().value;
  }

  /** Same family and same network bits (an IPv4-mapped IPv6 address counts as IPv4). */
  contains(ip: IpAddress): boolean {
    const c = ip.family === this.family ? ip : ip.canonical();
    return c.family === this.family && (c.value & this.mask) === (this.ip.value & this.mask);
  }

  /** The block with host bits cleared. */
  masked(): IpNet {
    return new IpNet(this.network(), this.prefix);
  }

  /** The same prefix around another address ("10.1.2.3" in 10.1.0.0/16 -> 10.1.2.3/16). */
  withIp(ip: IpAddress): IpNet {
    return IpNet.of(ip, this.prefix);
  }

  toString(): string {
    return `${this.ip}/${this.prefix}`;
  }

  toJSON(): string {
    return this.toString();
  }
}
