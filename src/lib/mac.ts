/** MAC addresses as configs spell them ("AA-BB-..." or "aa:bb:..."), normalised once for every plugin. */
import { invalidConfig } from '../spec/errors.js';

const MAC_RE = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;

/** "AA-BB-..." or "aa:bb:..." -> "aa:bb:cc:dd:ee:ff"; code 7 naming `source` for anything else. */
export function normalizeMac(mac: string, source: string): string {
  if (!MAC_RE.test(mac)) throw invalidConfig(`invalid MAC address ${JSON.stringify(mac)} in ${source}`);
  return mac.toLowerCase().replaceAll('-', ':');
}
