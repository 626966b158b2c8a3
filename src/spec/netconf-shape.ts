/**
 * The Go types of the config sections shared by every plugin (the reference's types.NetConf, its
 * IPAM section, runtimeConfig capabilities, args, GC attachments), as field-name shapes for
 * src/lib/go-fields.ts: skel canonicalises these keys once, so `"IPAM"`, `"RuntimeConfig"`,
 * `"Args"`, `"portmappings"` ... reach every plugin under their spec names, as in the reference.
 * A plugin's own top-level keys are found by the readers of src/lib/config-fields.ts.
 */
import { list, mapOf, struct } from '../lib/go-fields.js';

const route = struct({ dst: null, gw: null, mtu: null, advmss: null, priority: null, table: null, scope: null });
const dns = struct({ nameservers: null, domain: null, search: null, options: null });
const range = struct({ subnet: null, rangeStart: null, rangeEnd: null, gateway: null });
const attachment = struct({ containerID: null, ifname: null });

/** The IPAM section: its type plus the keys of the IPAM plugins this executable serves (host-local, static). */
export const IPAM_SHAPE = struct({
  type: null,
  // host-local
  subnet: null,
  rangeStart: null,
  rangeEnd: null,
  gateway: null,
  ranges: list(list(range)),
  routes: list(route),
  dataDir: null,
  resolvConf: null,
  // static
  addresses: list(struct({ address: null, gateway: null })),
  dns,
});

export const RUNTIME_CONFIG_SHAPE = struct({
  portMappings: list(struct({ hostPort: null, containerPort: null, protocol: null, hostIP: null })),
  ipRanges: list(list(range)),
  bandwidth: struct({ ingressRate: null, ingressBurst: null, egressRate: null, egressBurst: null }),
  dns: struct({ servers: null, searches: null, options: null }),
  ips: null,
  mac: null,
  infinibandGUID: null,
  deviceID: null,
  aliases: null,
  cgroupPath: null,
  podAnnotations: null,
});

export const NETCONF_SHAPE = struct({
  cniVersion: null,
  name: null,
  type: null,
  capabilities: mapOf(),
  ipam: IPAM_SHAPE,
  dns,
  args: struct({ cni: struct({ ips: null, mac: null, labels: list(struct({ key: null, value: null })) }) }),
  runtimeConfig: RUNTIME_CONFIG_SHAPE,
  prevResult: null, // read by spec/convert.ts, whose field reads fold the same way
  'cni.dev/valid-attachments': list(attachment),
  'cni.dev/attachments': list(attachment),
});

/** What libcni decodes of one plugin object (types.NetConf): the rest is passed on untouched. */
export const PLUGIN_CONF_SHAPE = struct({ cniVersion: null, name: null, type: null, capabilities: mapOf() });
