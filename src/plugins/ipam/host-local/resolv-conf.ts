/**
 * resolv.conf -> the result's `dns`, as the reference parser reads it: `nameserver` (one per
 * line, first field), `domain` (last one wins), `search` and `options` (all fields, appended).
 * Comments (# or ;), blank lines and lines with fewer than two fields are skipped.
 */
import * as fs from 'node:fs';
import type { DNS } from '../../../spec/types.js';
import { CniError, ErrorCode } from '../../../spec/errors.js';

export function parseResolvConf(text: string): DNS {
  const dns: DNS = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const [key, ...values] = line.split(/\s+/);
    if (values.length === 0) continue;
    switch (key) {
      case 'nameserver':
        (dns.nameservers ??= []).push(values[0]!);
        break;
      case 'domain':
        dns.domain = values[0]!;
        break;
      case 'search':
        (dns.search ??= []).push(...values);
        break;
      case 'options':
        (dns.options ??= []).push(...values);
        break;
    }
  }
  return dns;
}

export function readResolvConf(path: string): DNS {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (err) {
    throw new CniError(ErrorCode.IOFailure, `ipam.resolvConf: cannot read ${path}`, undefined, { cause: err });
  }
  return parseResolvConf(text);
}
