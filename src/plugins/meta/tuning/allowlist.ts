/**
 * The administrator's sysctl allowlist, /etc/cni/tuning/allowlist.conf: one regular expression a
 * line (blank lines ignored), matched anywhere in the key as written in the config (as Go's
 * regexp.MatchString). No file: every net.* sysctl is allowed. The path is fixed, with no override
 * (not even for tests, which bind their own file over it in a private mount namespace): whatever
 * could move it could also switch the policy off.
 */
import { readFileIfPresent } from '../../../lib/optional-file.js';
import { CniError, ErrorCode, invalidConfig } from '../../../spec/errors.js';

export const ALLOWLIST_FILE = '/etc/cni/tuning/allowlist.conf';

/** The patterns, or undefined when there is no allowlist file. */
export function readAllowlist(file = ALLOWLIST_FILE): string[] | undefined {
  let text: string | undefined;
  try {
    text = readFileIfPresent(file, 'utf8');
  } catch (err) {
    throw new CniError(ErrorCode.IOFailure, `failed to read sysctl allowlist ${file}: ${(err as Error).message}`, undefined, { cause: err });
  }
  if (text === undefined) return undefined;
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** Code 7 with the reference's message for the first key no pattern matches. */
export function checkAllowlist(keys: readonly string[], allowlist: readonly string[]): void {
  const patterns = allowlist.map((p) => {
    try {
      return new RegExp(p);
    } catch (err) {
      throw invalidConfig(`invalid pattern ${JSON.stringify(p)} in ${ALLOWLIST_FILE}: ${(err as Error).message}`, err);
    }
  });
  for (const key of keys) {
    if (!patterns.some((re) => re.test(key))) {
      throw invalidConfig(`Sysctl ${key} is not allowed. Only the following sysctls are allowed: [${allowlist.join(' ')}]`);
    }
  }
}
