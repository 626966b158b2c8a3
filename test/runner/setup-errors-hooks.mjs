// module.register load hook of setup-errors.cjs, for uvu's ES module build.
import { createRequire } from 'node:module';

const { BEFORE, REPORTED, isUvuRunner } = createRequire(import.meta.url)('./setup-errors-patch.cjs');

export async function load(url, context, next) {
  const out = await next(url, context);
  if (!isUvuRunner(url) || out.source == null || out.format !== 'module') return out;
  const text = String(out.source);
  if (!text.includes(BEFORE)) throw new Error(`test/runner/setup-errors: uvu's runner changed (${url}); update the patch`);
  return { ...out, source: text.replace(BEFORE, REPORTED) };
}
