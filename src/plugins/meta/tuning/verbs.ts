/**
 * tuning's verbs. ADD writes the sysctls in the container's netns and changes the interface's
 * MAC, promiscuous mode, MTU, all-multicast mode and transmit queue length (backing up what it
 * changes), all over netlink and /proc/sys (no process); a failed ADD puts everything back. DEL
 * restores the backup and removes it; CHECK compares the container with the config; GC removes
 * backups of attachments that are gone.
 */
import type { PluginContext } from '../../../skel/types.js';
import { CniError, ErrorCode, invalidConfig } from '../../../spec/errors.js';
import type { Result } from '../../../spec/types.js';
import { IFF, type Link, type Netlink } from '../../../netlink/index.js';
import { openNetlinkForDel, openNetlinkInNetns } from '../../../lib/netns-netlink.js';
import { withNetns } from '../../../lib/ns/index.js';
import { Rollback } from '../../../lib/rollback.js';
import { sysctlRead, sysctlWrite } from '../../../lib/sysctl.js';
import { validAttachments } from '../../../skel/valid-attachments.js';
import { checkAllowlist, readAllowlist } from './allowlist.js';
import { backupFile, collectBackups, readBackup, removeBackup, writeBackup, type Backup } from './backup.js';
import { changesLink, type LinkTuning, type TuningConf } from './config.js';
import { sysctlFile } from './sysctl-keys.js';

const internal = (msg: string, cause?: unknown) => new CniError(ErrorCode.Internal, msg, undefined, cause === undefined ? undefined : { cause });

function prevResultOf(conf: TuningConf): Result {
  if (conf.prevResult === undefined || conf.prevResult === null) throw invalidConfig('Required prevResult missing');
  return conf.prevResult as Result;
}

/** [file, value] per sysctl, validated (net/ only, allowlist) before anything is written. */
function plannedSysctls(conf: TuningConf, ifName: string): [string, string][] {
  const { sysctl } = conf.settings;
  if (sysctl.length === 0) return [];
  const planned = sysctl.map(([key, value]): [string, string] => [sysctlFile(key, ifName), value]);
  const allowlist = readAllowlist();
  if (allowlist) checkAllowlist(sysctl.map(([key]) => key), allowlist);
  return planned;
}

const allmultiOf = (link: Link) => (link.flags & IFF.ALLMULTI) !== 0;

/** What the interface has now, for the attributes `want` changes (the reference's createBackup). */
function snapshot(link: Link, want: LinkTuning): Backup {
  const b: Backup = {};
  if (want.mac !== undefined) b.mac = link.mac;
  if (want.promisc) b.promisc = link.promisc;
  if (want.mtu !== undefined) b.mtu = link.mtu;
  if (want.allmulti !== undefined) b.allmulti = allmultiOf(link);
  if (want.txQLen !== undefined) b.txQLen = link.txQLen ?? 0;
  return b;
}

/**
 * Set each attribute of `to`, in the order the reference restores them. ADD passes `onSet` (told
 * of each change made, for the rollback) and stops at the first failure; DEL restores all it can
 * and returns the failures.
 */
function applyLink(nl: Netlink, index: number, to: Backup, onSet?: (what: keyof Backup) => void): string[] {
  const errors: string[] = [];
  const steps: [keyof Backup, string, () => void][] = [
    ['mtu', 'MTU', () => nl.linkSetMtu(index, to.mtu!)],
    ['mac', 'MAC address', () => nl.linkSetMac(index, to.mac!)],
    ['promisc', 'promiscuous mode', () => nl.linkSetPromisc(index, to.promisc!)],
    ['allmulti', 'all-multicast mode', () => nl.linkSetAllmulticast(index, to.allmulti!)],
    ['txQLen', 'transmit queue length', () => nl.linkSetTxQLen(index, to.txQLen!)],
  ];
  for (const [key, what, set] of steps) {
    if (to[key] === undefined) continue;
    try {
      set();
      onSet?.(key);
    } catch (err) {
      if (onSet) throw internal(`failed to set ${what}: ${(err as Error).message}`, err);
      errors.push(`failed to restore ${what}: ${(err as Error).message}`);
    }
  }
  return errors;
}

export async function addTuning(conf: TuningConf, ctx: PluginContext): Promise<Result> {
  const prev = prevResultOf(conf);
  const { netns, ifName, containerId } = ctx.args;
  const sysctls = plannedSysctls(conf, ifName);
  const want = conf.settings.link;
  using nl = openNetlinkInNetns(netns);
  const target = changesLink(want) ? nl.linkByNameOrNull(ifName) : undefined;
  if (target === null) throw internal(`failed to get ${JSON.stringify(ifName)}: link not found`);

  await Rollback.run(ctx.log, (rb) => {
    for (const [file, value] of sysctls) {
      const old = withNetns(netns, () => {
        try {
          const before = sysctlRead(file);
          sysctlWrite(file, value);
          return before;
        } catch (err) {
          throw internal(`failed to set sysctl ${file} to ${JSON.stringify(value)}: ${(err as Error).message}`, err);
        }
      });
      rb.defer(`sysctl ${file}`, () => withNetns(netns, () => sysctlWrite(file, old)));
    }
    if (!target) return;
    const before = snapshot(target, want);
    const file = backupFile(conf.settings.dataDir, containerId, ifName);
    writeBackup(file, before, conf.name);
    rb.defer('backup', () => removeBackup(file));
    const to: Backup = { ...want, promisc: want.promisc ? true : undefined };
    applyLink(nl, target.index, to, (key) => rb.defer(`restore ${key}`, () => applyLink(nl, target.index, { [key]: before[key] })));
  });

  if (want.mac) for (const i of prev.interfaces ?? []) if (i.name === ifName) i.mac = want.mac;
  return prev;
}

export function delTuning(conf: TuningConf, ctx: PluginContext): void {
  const { netns, ifName, containerId } = ctx.args;
  const file = backupFile(conf.settings.dataDir, containerId, ifName);
  const backup = readBackup(file);
  if (!backup) return;
  const nl = openNetlinkForDel(netns);
  const target = nl?.linkByNameOrNull(ifName);
  try {
    if (target) {
      const errors = applyLink(nl!, target.index, backup);
      if (errors.length > 0) {
        // As the reference: DEL succeeds, the backup stays for another DEL (or GC) to retry.
        ctx.log.warn({ errors, file }, 'tuning: could not restore every attribute');
        return;
      }
    }
    // Restored, or nothing left to restore (namespace or interface gone).
    removeBackup(file);
  } finally {
    nl?.close();
  }
}

export function checkTuning(conf: TuningConf, ctx: PluginContext): void {
  prevResultOf(conf);
  const { netns, ifName } = ctx.args;
  const mismatch = (msg: string) => internal(msg);
  using nl = openNetlinkInNetns(netns);
  withNetns(netns, () => {
    for (const [key, value] of conf.settings.sysctl) {
      const file = sysctlFile(key, ifName);
      const current = sysctlRead(file);
      if (current !== value) throw mismatch(`Error: Tuning configured value of ${file} is ${value}, current value is ${current}`);
    }
  });
  const l = nl.linkByNameOrNull(ifName);
  if (!l) throw mismatch(`Cannot find container link ${ifName}`);
  const want = conf.settings.link;
  if (want.mac !== undefined && want.mac !== l.mac) throw mismatch(`Error: Tuning configured Ethernet of ${ifName} is ${want.mac}, current value is ${l.mac}`);
  if (want.promisc !== l.promisc) throw mismatch(`Error: Tuning link ${ifName} configured promisc is ${want.promisc}, current value is ${l.promisc ? 1 : 0}`);
  if (want.mtu !== undefined && want.mtu !== l.mtu) throw mismatch(`Error: Tuning configured MTU of ${ifName} is ${want.mtu}, current value is ${l.mtu}`);
  if (want.allmulti !== undefined && want.allmulti !== allmultiOf(l)) {
    throw mismatch(`Error: Tuning configured all-multicast mode of ${ifName} is ${want.allmulti}, current value is ${allmultiOf(l)}`);
  }
  if (want.txQLen !== undefined && want.txQLen !== l.txQLen) {
    throw mismatch(`Error: Tuning configured Transmit Queue Length of ${ifName} is ${want.txQLen}, current value is ${l.txQLen}`);
  }
}

export function gcTuning(conf: TuningConf, ctx: PluginContext): void {
  const keep = new Set(validAttachments(conf).map((a) => `${a.containerID}_${a.ifname}.json`));
  const removed = collectBackups(conf.settings.dataDir, conf.name, keep);
  if (removed.length > 0) ctx.log.info({ removed }, 'tuning: removed backups of stale attachments');
}
