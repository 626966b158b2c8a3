/**
 * With isGateway and an access VLAN the gateway address cannot sit on the bridge itself: the
 * reference makes a veth `<bridge>.<vlan>` in the host whose peer is an untagged port of that
 * VLAN, and puts the address there. Shared by every container of the VLAN: never deleted here.
 */
import type { Link } from '../../../netlink/index.js';
import type { Sandbox } from '../../../lib/ifconfig/index.js';
import { setupVeth } from '../../../lib/veth.js';
import { attachPort } from './port.js';

export function ensureVlanGateway(host: Sandbox, br: Link, vlan: number, preserveDefaultVlan: boolean): Link {
  const name = `${br.name}.${vlan}`;
  const existing = host.nl.linkByNameOrNull(name);
  if (existing) return existing;
  try {
    const pair = setupVeth({ contNl: host.nl, hostNl: host.nl, hostNsFd: host.netns.fd, contIfName: name, mtu: br.mtu });
    attachPort(host.nl, pair.host, br, { hairpin: false, isolated: false, vlan, trunkVlans: [], preserveDefaultVlan });
    host.nl.linkSetUp(pair.cont.index);
    return host.nl.linkByIndex(pair.cont.index);
  } catch (err) {
    // A concurrent ADD may have made it first.
    const raced = host.nl.linkByNameOrNull(name);
    if (raced) return raced;
    throw err;
  }
}
