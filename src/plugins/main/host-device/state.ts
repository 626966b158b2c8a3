/**
 * What a device had on the host before it went into a container (name, MAC, up, addresses), kept
 * in `<dataDir>/<network>/<containerID>-<ifname>.json` so DEL can put it back as it was, also when
 * the container's namespace is gone. Written before the move (a crash in between leaves it, and DEL
 * or GC removes it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../../lib/atomic-file.js';
import { readFileIfPresent, readdirIfPresent } from '../../../lib/optional-file.js';
import { IFA_F, RT_SCOPE, type Link, type Netlink } from '../../../netlink/index.js';
import type { Attachment } from '../../../spec/types.js';

export interface HostDeviceState {
  name: string;
  mac: string;
  up: boolean;
  /** Its ifalias before ours (which holds the name) replaced it. */
  alias?: string;
  /** Permanent addresses with global or site scope, as "cidr" strings. */
  addresses: string[];
}

const SEP = '-';

export function stateFile(dataDir: string, network: string, containerId: string, ifName: string): string {
  return path.join(dataDir, network, `${containerId}${SEP}${ifName}.json`);
}

export function captureState(nl: Netlink, link: Link): HostDeviceState {
  const addresses = nl
    .addrList({ index: link.index })
    // Link-local and kernel-made (autoconf) addresses come back by themselves.
    .filter((a) => a.scope !== RT_SCOPE.LINK && a.scope !== RT_SCOPE.HOST && (a.flags & IFA_F.PERMANENT) !== 0)
    .map((a) => a.cidr);
  return { name: link.name, mac: link.mac, up: link.up, ...(link.alias ? { alias: link.alias } : {}), addresses };
}

export function writeState(file: string, state: HostDeviceState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileAtomic(file, JSON.stringify(state));
}

export function readState(file: string): HostDeviceState | undefined {
  const text = readFileIfPresent(file, 'utf8');
  if (text === undefined) return undefined;
  const o = JSON.parse(text) as Partial<HostDeviceState>;
  if (typeof o.name !== 'string') return undefined;
  return {
    name: o.name,
    mac: String(o.mac ?? ''),
    up: o.up === true,
    ...(typeof o.alias === 'string' ? { alias: o.alias } : {}),
    addresses: Array.isArray(o.addresses) ? o.addresses.map(String) : [],
  };
}

export function removeState(file: string): void {
  fs.rmSync(file, { force: true });
}

/** GC: state files of this network whose attachment is not in the valid list. */
export function staleStateFiles(dataDir: string, network: string, valid: readonly Attachment[]): string[] {
  const dir = path.join(dataDir, network);
  const entries = readdirIfPresent(dir);
  const keep = new Set(valid.map((a) => `${a.containerID}${SEP}${a.ifname}.json`));
  return entries.filter((e) => e.endsWith('.json') && !keep.has(e)).map((e) => path.join(dir, e));
}
