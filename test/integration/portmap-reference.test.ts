/**
 * Living next to the Go reference portmap (/usr/lib/cni/portmap, iptables) on one host: our
 * iptables backend shares its chains without disturbing the reference's entries, our nftables
 * default runs beside them, our DEL removes a chain the reference made for the same attachment,
 * and the reference's DEL and CHECK accept ours. All inside a private HOSTNS. Skipped when the
 * reference plugin is not installed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CniBinDir } from '../helpers/cni.js';
import { isRoot } from '../helpers/env.js';
import { PortmapWorld, portBase, type Container, type Mapping } from '../helpers/portmap-world.js';

const REFERENCE_DIR = '/usr/lib/cni';
const haveReference = fs.existsSync(path.join(REFERENCE_DIR, 'portmap'));

let bin: CniBinDir;

test.before(() => {
  if (!isRoot()) throw new Error('portmap integration tests need root');
  bin = new CniBinDir();
});
test.after(() => bin?.dispose());

/** The reference speaks up to 1.0.0, whose result shape is the same as 1.1.0's. */
function referenceConf(w: PortmapWorld, mappings: Mapping[], c?: Container): Record<string, unknown> {
  const conf = w.portmapConf(mappings, {}, c ? { ...c.result, cniVersion: '1.0.0' } : undefined);
  return { ...conf, cniVersion: '1.0.0' };
}

function runReference(w: PortmapWorld, command: string, c: Container, conf: Record<string, unknown>) {
  return w.run(REFERENCE_DIR, 'portmap', { command, containerId: c.id, netns: c.ns.path, ifName: 'eth0', config: conf });
}

test('our iptables and nftables backends coexist with the reference and clean up after each other', async () => {
  if (!haveReference) {
    console.warn(`skipped: no reference portmap in ${REFERENCE_DIR}`);
    return;
  }
  const w = new PortmapWorld();
  try {
    const x = w.container(bin, 'x'); // forwarded by the reference
    const a = w.container(bin, 'a'); // by our iptables backend
    const b = w.container(bin, 'b'); // by our nftables backend
    for (const [c, tag] of [[x, 'x'], [a, 'a'], [b, 'b']] as const) await w.serve(c.ns, 'tcp', 80, `tcp-${tag}`);
    const p = portBase();
    const mx: Mapping[] = [{ hostPort: p + 1, containerPort: 80, protocol: 'tcp' }];
    const ma: Mapping[] = [{ hostPort: p + 2, containerPort: 80, protocol: 'tcp' }];
    const mb: Mapping[] = [{ hostPort: p + 3, containerPort: 80, protocol: 'tcp' }];

    const ref = runReference(w, 'ADD', x, referenceConf(w, mx, x));
    assert.is(ref.code, 0, `reference ADD: ${ref.stdout}${ref.stderr}`);
    const refRules = w.iptablesNat(4).split('\n').filter((l) => l.includes(x.id) || l.includes(x.v4));

    assert.is(w.portmap(bin, 'ADD', a, w.portmapConf(ma, { backend: 'iptables' }, a.result)).code, 0);
    assert.is(w.portmap(bin, 'ADD', b, w.portmapConf(mb, {}, b.result)).code, 0);
    const nat = w.iptablesNat(4).split('\n');
    for (const line of refRules) assert.ok(nat.includes(line), `our ADD kept the reference's rule ${line}`);

    assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 1), 'tcp-x', 'reference mapping');
    assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 2), 'tcp-a', 'our iptables mapping');
    assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 3), 'tcp-b', 'our nftables mapping');
    assert.is(w.request(w.host, 'tcp', '127.0.0.1', p + 2), 'tcp-a', 'localhost through our iptables mapping');

    // The reference's CHECK (iptables -C per rule) judges our rules as it judges its own. Older
    // releases then also look for the chain in ip6tables and fail for an IPv4-only container,
    // its own included: the IPv4 rules passed when that is the complaint.
    const refCheckOwn = runReference(w, 'CHECK', x, referenceConf(w, mx, x));
    const refCheck = runReference(w, 'CHECK', a, referenceConf(w, ma, a));
    assert.is(refCheck.code, refCheckOwn.code, `reference CHECK of ours vs its own: ${refCheck.stdout} / ${refCheckOwn.stdout}`);
    if (refCheck.code !== 0) assert.match(String(refCheck.json?.msg), /^could not check ipv6 dnat/, `reference CHECK of our rules: ${refCheck.stdout}`);

    // Our DEL removes what the reference made for x (same chain name, same comment).
    assert.is(w.portmap(bin, 'DEL', x, w.portmapConf(mx, { backend: 'iptables' })).code, 0);
    assert.equal(w.iptablesNat(4).split('\n').filter((l) => l.includes(x.id) || l.includes(x.v4)), [], 'nothing of x is left');
    assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 1, { timeout: 1 }), '', 'x closed');
    assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 2), 'tcp-a', 'a still open');

    // The reference's DEL removes what we made for a.
    const refDel = runReference(w, 'DEL', a, referenceConf(w, ma));
    assert.is(refDel.code, 0, `reference DEL of our rules: ${refDel.stdout}${refDel.stderr}`);
    assert.equal(w.iptablesNat(4).split('\n').filter((l) => l.includes(a.id) || l.includes(a.v4)), [], 'nothing of a is left');
    assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 3), 'tcp-b', 'b (nftables) untouched');
  } finally {
    await w.cleanup();
  }
});

test.run();
