/** GC's attachments to keep, as firewall owners of this network (see src/skel/valid-attachments.ts). */
import type { NetConf } from '../../../spec/types.js';
import { validAttachments as parse } from '../../../skel/valid-attachments.js';
import type { Owner } from './owner.js';

export function validAttachments(conf: NetConf): Owner[] {
  return parse(conf).map((a) => ({ network: conf.name, containerId: a.containerID, ifName: a.ifname }));
}
