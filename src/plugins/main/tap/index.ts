/**
 * tap: a persistent tap device made in the container (through /dev/net/tun, as `ip tuntap add`),
 * optionally multi-queue, owned by a user / group so an unprivileged VMM can open it, with MTU and
 * MAC, optionally a port of a bridge in the container; addresses from IPAM or L2 only.
 */
import * as fs from 'node:fs';
import type { Link } from '../../../netlink/index.js';
import type { NetConf } from '../../../spec/types.js';
import type { PluginContext } from '../../../skel/types.js';
import { invalidConfig } from '../../../spec/errors.js';
import { optBool, optString, optValue } from '../../../lib/config-fields.js';
import { requestedMac } from '../../../lib/container-mac.js';
import type { Sandbox } from '../../../lib/ifconfig/index.js';
import { createPersistentTap, TapError } from '../../../netlink/tuntap/index.js';
import { linkPlugin, readIfName, readLinkCommon, readMtu, type LinkPluginConf } from '../../../lib/link-plugin/index.js';

export interface TapConf extends LinkPluginConf {
  settings: {
    multiQueue: boolean;
    mtu: number;
    mac?: string;
    owner?: number;
    group?: number;
    selinuxContext?: string;
    /** A bridge in the container the tap becomes a port of. */
    bridge?: string;
  };
}

const UINT32_MAX = 0xffffffff;

function optId(raw: NetConf, key: 'owner' | 'group'): number | undefined {
  const v = optValue(raw, key);
  if (v === undefined) return undefined;
  // Go's *uint32: a whole number; (uid_t)-1 means "nobody" to the kernel, so it is refused here.
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= UINT32_MAX) {
    throw invalidConfig(`failed to load netconf: "${key}" must be a uid/gid (an integer from 0 to ${UINT32_MAX - 1}), got ${JSON.stringify(v)}`);
  }
  return v;
}

export function parseTapConfig(raw: NetConf, cniArgs: string): TapConf {
  const selinuxContext = optString(raw, 'selinuxContext') || undefined;
  const bridge = readIfName(raw, 'bridge');
  const owner = optId(raw, 'owner');
  const group = optId(raw, 'group');
  return {
    ...raw,
    link: { ...readLinkCommon(raw), linkInContainer: false },
    settings: {
      multiQueue: optBool(raw, 'multiQueue', false),
      mtu: readMtu(raw),
      ...optional({ mac: requestedMac(raw, cniArgs, true), owner, group, selinuxContext, bridge }),
    },
  };
}

function optional<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The reference labels the `ip` process it starts; we start none, so we can only say so. */
function selinuxNote(conf: TapConf, ctx: PluginContext): void {
  const context = conf.settings.selinuxContext;
  if (!context) return;
  if (fs.existsSync('/sys/fs/selinux/enforce')) {
    throw invalidConfig(`selinuxContext ${JSON.stringify(context)}: labelling the tap device is not supported by this implementation on an SELinux host`);
  }
  ctx.log.info({ selinuxContext: context }, 'SELinux is not enabled on this host: selinuxContext ignored');
}

function configureTap(conf: TapConf, sb: Sandbox, link: Link): void {
  const s = conf.settings;
  const step = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      throw new TapError(`${what}: ${(err as Error).message}`, { cause: err });
    }
  };
  if (s.mtu) step(`failed to set MTU ${s.mtu} on tap`, () => sb.nl.linkSetMtu(link.index, s.mtu));
  if (s.mac) step(`failed to set MAC ${s.mac} on tap`, () => sb.nl.linkSetMac(link.index, s.mac!));
  if (s.bridge) {
    const bridge = sb.nl.linkByNameOrNull(s.bridge);
    if (!bridge) throw new TapError(`failed to get bridge ${s.bridge}: no such link in the container`);
    step(`failed to set tap ${link.name} as a port of bridge ${s.bridge}`, () => sb.nl.linkSetMaster(link.index, bridge.index));
  }
}

export const plugin = linkPlugin<TapConf>({
  name: 'tap',
  kind: 'tun',
  parseConfig: (raw, ctx) => parseTapConfig(raw, ctx.args.args),
  create(conf, env) {
    selinuxNote(conf, env.ctx);
    const { multiQueue, owner, group } = conf.settings;
    // /dev/net/tun makes the device in the namespace of the thread that opens it.
    env.sb.run(() => createPersistentTap({ name: env.tmpName, multiQueue, ...optional({ owner, group }) }));
  },
  configure: (conf, sb, link) => configureTap(conf, sb, link),
  notify: { arp: true, ndisc: false },
  prevResultMissing: 'Required prevResult missing',
  checkRoutes: true,
});
