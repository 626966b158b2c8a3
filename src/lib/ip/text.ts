/**
 * Text <-> integer for IPv4 and IPv6, following Go's net.ParseIP / net.IP.String so that names
 * we write (host-local reservation files are named by the address) equal the reference's.
 */

/** Dotted quad to a 32-bit value; undefined unless exactly a.b.c.d with no leading zeros. */
export function parseIPv4Text(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const p of parts) {
    // Go (>= 1.17) rejects leading zeros: "010" could mean octal to other parsers.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

/** Groups of 16 bits from one side of "::"; an embedded dotted quad may end the last side. */
function parseGroups(side: string, allowTrailingV4: boolean): bigint[] | undefined {
  if (side === '') return [];
  const items = side.split(':');
  const out: bigint[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (allowTrailingV4 && i === items.length - 1 && item.includes('.')) {
      const v4 = parseIPv4Text(item);
      if (v4 === undefined) return undefined;
      out.push(v4 >> 16n, v4 & 0xffffn);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(item)) {
      out.push(BigInt(parseInt(item, 16)));
    } else {
      return undefined;
    }
  }
  return out;
}

/** RFC 4291 text to a 128-bit value (no zone suffix, as Go's ParseIP). */
export function parseIPv6Text(s: string): bigint | undefined {
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  let groups: bigint[];
  if (halves.length === 1) {
    const all = parseGroups(s, true);
    if (!all || all.length !== 8) return undefined;
    groups = all;
  } else {
    const left = parseGroups(halves[0]!, false);
    const right = parseGroups(halves[1]!, true);
    // "::" must stand for at least one zero group.
    if (!left || !right || left.length + right.length > 7) return undefined;
    groups = [...left, ...Array<bigint>(8 - left.length - right.length).fill(0n), ...right];
  }
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

export function formatIPv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

const V4_MAPPED_PREFIX = 0xffffn << 32n;

/** Go style: lower-case hex, the longest run (>= 2) of zero groups as "::", v4-mapped as a dotted quad. */
export function formatIPv6(value: bigint): string {
  if (value >> 32n === 0xffffn) return formatIPv4(value - V4_MAPPED_PREFIX);
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((n) => n.toString(16)).join(':');
  if (bestLen < 2) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}
