/**
 * ipvlan, vlan and dummy on a kernel WITHOUT those link types (this host's): ADD must fail with a
 * clear error naming the missing type, leave no link and no IPAM reservation. This is not a test of
 * the plugins themselves: those run with traffic in test/vm (the VM lane's guest has the types).
 * A case is only registered when a probe shows the kernel lacks the type, so on a kernel that has
 * it nothing here runs (and nothing pretends to).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CniBinDir } from '../helpers/cni.js';
import { makeNetns } from '../helpers/netns.js';
import { LinkWorld, attach } from '../helpers/links.js';

/** Whether `ip link add` of this type fails as unsupported in a scratch namespace. */
function kernelLacks(kind: 'ipvlan' | 'vlan' | 'dummy'): boolean {
  const ns = makeNetns('cniprobe');
  try {
    ns.execOk('ip', ['link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1']);
    const args = kind === 'dummy' ? ['link', 'add', 'x0', 'type', 'dummy'] : kind === 'vlan' ? ['link', 'add', 'link', 'p0', 'name', 'x0', 'type', 'vlan', 'id', '5'] : ['link', 'add', 'link', 'p0', 'name', 'x0', 'type', 'ipvlan'];
    return ns.exec('ip', args).code !== 0;
  } finally {
    ns.remove();
  }
}

const t = suite<{ bin: CniBinDir }>('link kinds this kernel lacks');
t.before((ctx) => {
  ctx.bin = new CniBinDir();
});
t.after((ctx) => ctx.bin?.dispose());

const CASES = { ipvlan: (w: LinkWorld) => ({ master: w.master }), vlan: (w: LinkWorld) => ({ master: w.master, vlanId: 5 }), dummy: () => ({}) };

for (const [kind, extra] of Object.entries(CASES) as [keyof typeof CASES, (w: LinkWorld) => Record<string, unknown>][]) {
  if (!kernelLacks(kind)) continue;
  t(`${kind} on a kernel without "${kind}" links: a clear error, nothing left behind (the plugin is tested in test/vm)`, ({ bin }) => {
    const w = new LinkWorld();
    try {
      const ns = w.container();
      const r = w.run(bin, kind, { ...attach(ns), command: 'ADD', config: w.conf(kind, extra(w)) });
      assert.is(r.code, 1, r.stdout);
      assert.is(r.json.msg, `failed to create ${kind}: this kernel does not support link type "${kind}" (not built in and no module loadable)`);
      assert.equal(JSON.parse(ns.execOk('ip', ['-j', 'link', 'show'])).map((l: any) => l.ifname), ['lo']);
      assert.equal(JSON.parse(w.host.execOk('ip', ['-j', 'link', 'show'])).map((l: any) => l.ifname).sort(), ['lo', w.master].sort());
      assert.equal(w.reservations(), []);
    } finally {
      w.cleanup();
    }
  });
}

t.run();
