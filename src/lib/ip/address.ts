/**
 * An immutable IPv4 or IPv6 address held as a bigint, so both families share one arithmetic.
 * Parsing canonicalises like the reference (Go's canonicalizeIP): an IPv4-mapped IPv6 address
 * ("::ffff:10.0.0.1") is the IPv4 address.
 */
import { formatIPv4, formatIPv6, parseIPv4Text, parseIPv6Text } from './text.js';

export type IpFamily = 4 | 6;

export const FAMILY_BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

export class InvalidIpError extends Error {
  override readonly name = 'InvalidIpError';
  constructor(readonly text: string, what = 'IP address') {
    super(`invalid ${what}: ${text}`);
  }
}

export class IpAddress {
  private constructor(
    readonly family: IpFamily,
    readonly value: bigint,
  ) {}

  static of(family: IpFamily, value: bigint): IpAddress {
    if (value < 0n || value >> BigInt(FAMILY_BITS[family]) !== 0n) {
      throw new RangeError(`value out of range for IPv${family}: ${value}`);
    }
    return new IpAddress(family, value);
  }

  /** Parse, keeping the family of the text form (an IPv4-mapped IPv6 text stays IPv6). */
  static parseExact(text: string): IpAddress | undefined {
    const v4 = parseIPv4Text(text);
    if (v4 !== undefined) return new IpAddress(4, v4);
    const v6 = text.includes(':') ? parseIPv6Text(text) : undefined;
    return v6 === undefined ? undefined : new IpAddress(6, v6);
  }

  /** Parse and canonicalise; undefined when the text is not an address. */
  static tryParse(text: string): IpAddress | undefined {
    return IpAddress.parseExact(text)?.canonical();
  }

  /** Parse and canonicalise; throws InvalidIpError ("invalid IP address: x", Go's wording). */
  static parse(text: string): IpAddress {
    const ip = IpAddress.tryParse(text);
    if (!ip) throw new InvalidIpError(text);
    return ip;
  }

  get bits(): number {
    return FAMILY_BITS[this.family];
  }

  /** IPv4-mapped IPv6 becomes IPv4; anything else is returned as is. */
  canonical(): IpAddress {
    if (this.family === 6 && this.value >> 32n === 0xffffn) return new IpAddress(4, this.value & 0xffffffffn);
    return this;
  }

  equals(other: IpAddress | undefined): boolean {
    return other !== undefined && other.family === this.family && other.value === this.value;
  }

  /** -1, 0 or 1; addresses of different families order IPv4 first. */
  compare(other: IpAddress): -1 | 0 | 1 {
    if (this.family !== other.family) return this.family < other.family ? -1 : 1;
    return this.value < other.value ? -1 : this.value > other.value ? 1 : 0;
  }

  /** The following address, or undefined past the last address of the family. */
  next(): IpAddress | undefined {
    const v = this.value + 1n;
    return v >> BigInt(this.bits) === 0n ? new IpAddress(this.family, v) : undefined;
  }

  /** The preceding address, or undefined before the first address of the family. */
  prev(): IpAddress | undefined {
    return this.value === 0n ? undefined : new IpAddress(this.family, this.value - 1n);
  }

  /** Offset by n (may be negative); undefined when the result leaves the family's space. */
  add(n: bigint): IpAddress | undefined {
    const v = this.value + n;
    return v < 0n || v >> BigInt(this.bits) !== 0n ? undefined : new IpAddress(this.family, v);
  }

  toString(): string {
    return this.family === 4 ? formatIPv4(this.value) : formatIPv6(this.value);
  }

  toJSON(): string {
    return this.toString();
  }
}
