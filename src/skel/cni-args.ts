/**
 * CNI_ARGS: "K=V;K2=V2". Unknown keys are an error unless IgnoreUnknown=1/true is present
 * (runtimes always send K8S_POD_* keys with IgnoreUnknown=1).
 */
import { CniError, ErrorCode } from '../spec/errors.js';

export type CniArgs = Map<string, string>;

export function parseCniArgs(raw: string): CniArgs {
  const out: CniArgs = new Map();
  if (!raw) return out;
  for (const pair of raw.split(';')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CniError(ErrorCode.InvalidEnvironmentVariables, `CNI_ARGS: invalid pair "${pair}" (expected KEY=VALUE)`);
    out.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return out;
}

/**
 * Take the keys a plugin understands; throw code 4 naming any other key unless IgnoreUnknown.
 * IgnoreUnknown and the keys runtimes set themselves are always allowed.
 */
export function pickCniArgs<K extends string>(raw: string, known: readonly K[]): Partial<Record<K, string>> {
  const args = parseCniArgs(raw);
  const ignoreUnknown = /^(1|true)$/i.test(args.get('IgnoreUnknown') ?? '');
  const out: Partial<Record<K, string>> = {};
  for (const [k, v] of args) {
    if ((known as readonly string[]).includes(k)) out[k as K] = v;
    else if (k !== 'IgnoreUnknown' && !ignoreUnknown) {
      throw new CniError(ErrorCode.InvalidEnvironmentVariables, `CNI_ARGS: unknown key "${k}" (add IgnoreUnknown=1 to ignore unknown keys)`);
    }
  }
  return out;
}
