/**
 * Keys that parse but are not implemented in this build yet (they need the netfilter backends):
 * ADD refuses them with code 2 naming key and value instead of silently doing less.
 */
import { CniError, ErrorCode } from '../../../spec/errors.js';

export interface NetfilterKeys {
  ipMasq: boolean;
  macspoofchk?: boolean;
}

export function refuseUnsupported(s: NetfilterKeys): void {
  for (const key of ['ipMasq', 'macspoofchk'] as const) {
    if (s[key]) throw new CniError(ErrorCode.UnsupportedField, `${key} is not supported yet in this build`, `"${key}": true`);
  }
}
