/** Hardware (MAC) address text <-> bytes. Output is lowercase colon-separated, as `ip` prints. */

const MAC_RE = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2})*$/i;

/** Parse "aa:bb:cc:dd:ee:ff" (or '-' separated). 6, 8 or 20 octets, like Go's net.ParseMAC. */
export function parseMac(text: string): Buffer {
  if (!MAC_RE.test(text)) throw new TypeError(`invalid MAC address "${text}"`);
  const bytes = Buffer.from(text.split(/[:-]/).map((h) => parseInt(h, 16)));
  if (![6, 8, 20].includes(bytes.length)) throw new TypeError(`invalid MAC address "${text}": ${bytes.length} octets`);
  return bytes;
}

export function formatMac(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}
