/**
 * What the plugin and the daemon say to each other over the unix socket: one JSON request per
 * connection, one JSON reply, each a single line. The request carries the CNI invocation as the
 * plugin received it (the daemon parses the config itself, as the reference's does).
 */
import type { CniErrorJson } from '../../../spec/errors.js';
import type { Attachment, Result } from '../../../spec/types.js';

export type DaemonVerb = 'ADD' | 'DEL' | 'CHECK' | 'GC' | 'STATUS';

export interface DaemonRequest {
  verb: DaemonVerb;
  containerId: string;
  /** Absolute path (the daemon may run in another working directory). */
  netns: string;
  ifName: string;
  /** CNI_ARGS as given. */
  args: string;
  /** The network configuration (stdin) as text. */
  config: string;
  /** GC: the attachments to keep. */
  validAttachments?: Attachment[];
}

export type DaemonReply = { ok: true; result?: Result } | { ok: false; error: CniErrorJson };

/** The attachment's DHCP client id, as the reference builds it (at most 254 bytes, RFC 2132). */
export function clientId(containerId: string, netName: string, ifName: string): string {
  const id = `${containerId}/${netName}/${ifName}`;
  return id.length > 254 ? id.slice(0, 254) : id;
}
