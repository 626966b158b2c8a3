/**
 * flannel's verbs. ADD renders the delegate config from subnet.env, saves it, and delegates ADD;
 * DEL, CHECK and GC work from the saved configs, so they keep working when subnet.env is gone
 * (node shutting down) or changed. When the delegate in CNI_PATH is this executable, the delegate
 * (and its IPAM) run in this process (skel/delegate.ts).
 */
import { goField } from '../../../lib/go-fields.js';
import { CniError, ErrorCode } from '../../../spec/errors.js';
import type { Result } from '../../../spec/types.js';
import type { PluginContext } from '../../../skel/types.js';
import { delegateAdd, delegateCheck, delegateDel, delegateGc, delegateStatus } from '../../../skel/delegate.js';
import { validAttachments } from '../../../skel/valid-attachments.js';
import { Rollback } from '../../../lib/rollback.js';
import { marshalSorted } from '../../../runtime/go-json.js';
import type { FlannelConf } from './config.js';
import { loadSubnetEnv } from './subnet-env.js';
import { renderDelegate, type RenderedDelegate } from './delegate-conf.js';
import { listSaved, readSaved, removeSaved, savedPath, writeSaved } from './saved.js';

function render(conf: FlannelConf): RenderedDelegate {
  return renderDelegate(conf, loadSubnetEnv(conf.settings.subnetFile));
}

export async function addFlannel(conf: FlannelConf, ctx: PluginContext): Promise<Result> {
  const d = render(conf);
  ctx.log.debug({ delegate: d.type, conf: d.conf }, 'rendered delegate config');
  const { dataDir } = conf.settings;
  const id = ctx.args.containerId;
  return Rollback.run(ctx.log, async (rb) => {
    // A retried ADD of the same container gets its earlier saved config back if this one fails.
    const earlier = readSaved(dataDir, id);
    writeSaved(dataDir, id, d.bytes);
    rb.defer('saved delegate config', () => (earlier ? writeSaved(dataDir, id, earlier) : removeSaved(dataDir, id)));
    return delegateAdd(d.type, d.bytes, ctx);
  });
}

/** A saved config's JSON object, or undefined when it is not one (a damaged file). */
function parseSaved(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function delFlannel(conf: FlannelConf, ctx: PluginContext): Promise<void> {
  const { dataDir } = conf.settings;
  const id = ctx.args.containerId;
  const bytes = readSaved(dataDir, id);
  if (!bytes) return; // never added, or already deleted
  const saved = parseSaved(bytes);
  if (typeof saved?.type !== 'string') {
    // As the reference: nothing to delegate to; the veth goes away with the netns.
    ctx.log.warn({ file: savedPath(dataDir, id) }, 'saved delegate config is damaged: nothing delegated');
    return;
  }
  await delegateDel(saved.type, bytes, ctx);
  removeSaved(dataDir, id);
}

/** CHECK the delegate with the config the attachment was made with and the runtime's prevResult. */
export async function checkFlannel(conf: FlannelConf, ctx: PluginContext): Promise<void> {
  const { dataDir } = conf.settings;
  const id = ctx.args.containerId;
  const bytes = readSaved(dataDir, id);
  if (!bytes) throw new CniError(ErrorCode.UnknownContainer, `flannel has no saved delegate config for container ${id}`, `${savedPath(dataDir, id)} does not exist: the attachment was not made by flannel on this node, or was deleted`);
  const saved = parseSaved(bytes);
  if (typeof saved?.type !== 'string') throw new CniError(ErrorCode.Internal, `saved delegate config ${savedPath(dataDir, id)} is damaged`);
  const raw = JSON.parse(ctx.args.stdin.toString('utf8')) as Record<string, unknown>;
  const prevResult = goField(raw, 'prevResult'); // as written (any version), found as Go finds the field
  if (prevResult !== undefined) saved.prevResult = prevResult;
  await delegateCheck(saved.type, JSON.stringify(saved), ctx);
}

/**
 * Saved configs of this network's attachments that are not valid any more are removed; then the
 * delegate gets GC (bridge -> host-local release what those attachments held).
 */
export async function gcFlannel(conf: FlannelConf, ctx: PluginContext): Promise<void> {
  const valid = new Set(validAttachments(conf).map((a) => a.containerID));
  const { dataDir } = conf.settings;
  for (const id of listSaved(dataDir)) {
    if (valid.has(id)) continue;
    const bytes = readSaved(dataDir, id);
    if (bytes && parseSaved(bytes)?.name === conf.name) removeSaved(dataDir, id);
  }
  let d: RenderedDelegate;
  try {
    d = render(conf);
  } catch (err) {
    ctx.log.debug({ err }, 'subnet.env not readable: GC not passed to the delegate');
    return;
  }
  const gcConf: Record<string, unknown> = { ...d.conf };
  for (const key of ['cni.dev/valid-attachments', 'cni.dev/attachments']) if (conf[key] !== undefined) gcConf[key] = conf[key];
  await delegateGc(d.type, marshalSorted(gcConf), ctx);
}

/** Not ready (code 50) while subnet.env is absent or incomplete; then whatever the delegate says. */
export async function statusFlannel(conf: FlannelConf, ctx: PluginContext): Promise<void> {
  let d: RenderedDelegate;
  try {
    d = render(conf);
  } catch (err) {
    const e = err instanceof CniError ? err : undefined;
    throw new CniError(ErrorCode.PluginNotAvailable, e?.message ?? String(err), e?.details, { cause: err });
  }
  await delegateStatus(d.type, d.bytes, ctx);
}
