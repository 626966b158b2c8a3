/**
 * ipMasq of bridge and ptp through dist/cni symlinks, with the plugin run inside a private "host"
 * namespace (test/helpers/hostns.ts): a container sends UDP to a peer beyond the host that has
 * no route back to the container subnet, so an answer comes back only if the host masqueraded
 * it, and the peer reports the source it saw (the host's address on the peer link). Both
 * backends, IPv4 and IPv6; the rules' layout as `nft list ruleset` / iptables-save show it; CHECK;
 * DEL (twice, and leaving nothing in either backend); GC of attachments that are not valid.
 * Needs socat.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CniBinDir } from '../helpers/cni.js';
import { HostNsFixture, sourceSeenByPeer } from '../helpers/hostns.js';
import { ping } from '../helpers/bridge.js';
import type { TestNetns } from '../helpers/netns.js';
import { iptablesChainName, nftComment } from '../../src/lib/ipmasq/index.js';

const t = suite<{ bin: CniBinDir }>('ipmasq');
t.before((ctx) => {
  ctx.bin = new CniBinDir();
});
t.after((ctx) => ctx.bin?.dispose());

const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => assert.is(r.code, 0, `${what}: ${r.stdout}${r.stderr}`);

function call(fx: HostNsFixture, ns: TestNetns | undefined, command: string, config: object, containerId: string, ifName = 'eth0') {
  return { command, containerId, ifName, config, ...(ns ? { netns: ns.path } : {}) };
}

/** What the host namespace holds for one attachment, in both backends. */
function rulesOf(fx: HostNsFixture, containerId: string) {
  const chain = iptablesChainName(fx.name, containerId);
  return {
    nft: fx.nftRuleset().includes(nftComment({ network: fx.name, ifName: 'eth0', containerId })),
    ipt4: fx.iptablesNat(4).includes(chain),
    ipt6: fx.iptablesNat(6).includes(chain),
  };
}

for (const backend of ['nftables', 'iptables'] as const) {
  t(`bridge, ${backend}: the peer sees the host's address (v4 and v6), reference layout, CHECK, DEL twice leaves nothing`, async ({ bin }) => {
    const fx = new HostNsFixture();
    try {
      const peer = fx.peer();
      const ns = fx.netns();
      const cid = `c-${ns.name}`;
      const config = fx.bridgeConf({ isDefaultGateway: true, ipMasq: true, ipMasqBackend: backend, ipam: fx.ipam(['4', '6']) });
      const add = fx.run(bin, 'bridge', call(fx, ns, 'ADD', config, cid));
      ok(add, 'ADD');
      const [v4, v6] = ['4', '6'].map((f) => (add.json.ips as any[]).find((i) => i.address.includes(':') === (f === '6')).address as string);

      assert.is(await sourceSeenByPeer(ns, peer, 4), peer.hostV4, 'v4 source seen by the peer');
      assert.is(await sourceSeenByPeer(ns, peer, 6), peer.hostV6, 'v6 source seen by the peer');

      const ip4 = v4.split('/')[0]!;
      const ip6 = v6.split('/')[0]!;
      if (backend === 'nftables') {
        const comment = nftComment({ network: fx.name, ifName: 'eth0', containerId: cid });
        const table = fx.host.execOk('nft', ['list', 'table', 'inet', 'cni_plugins_masquerade']);
        // The reference's table and chain comments (pkg/ip/ipmasq_nftables_linux.go), masq_checks first.
        assert.ok(
          table.startsWith(
            'table inet cni_plugins_masquerade {\n\tcomment "Masquerading for plugins from github.com/containernetworking/plugins"\n' +
              '\tchain masq_checks {\n\t\tcomment "Masquerade traffic from certain IPs to any (non-multicast) IP outside their subnet"\n\t\tip',
          ),
          table,
        );
        assert.match(table, `ip saddr ${ip4} ip daddr != ${fx.net.v4} masquerade comment "${comment}"`);
        assert.match(table, `ip6 saddr ${ip6} ip6 daddr != ${fx.net.v6} masquerade comment "${comment}"`);
        assert.match(table, /chain postrouting \{\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\tip daddr 224\.0\.0\.0\/4 return\n\t\tip6 daddr ff00::\/8 return\n\t\tgoto masq_checks\n\t\}/);
        assert.match(comment, new RegExp(`^[0-9a-f]{16}-[0-9a-f]{16}, net: ${fx.name}, if: eth0, id: ${cid}$`));
        assert.not.ok(fx.iptablesNat(4).includes('CNI-'), 'nothing in iptables');
      } else {
        const chain = iptablesChainName(fx.name, cid);
        const c = `-m comment --comment "name: \\"${fx.name}\\" id: \\"${cid}\\""`;
        const nat4 = fx.iptablesNat(4);
        assert.match(nat4, `-A POSTROUTING -s ${ip4}/32 ${c} -j ${chain}`);
        assert.match(nat4, `-A ${chain} -d ${fx.net.v4} ${c} -j ACCEPT\n-A ${chain} ! -d 224.0.0.0/4 ${c} -j MASQUERADE`);
        const nat6 = fx.iptablesNat(6);
        assert.match(nat6, `-A POSTROUTING -s ${ip6}/128 ${c} -j ${chain}`);
        assert.match(nat6, `-A ${chain} -d ${fx.net.v6} ${c} -j ACCEPT\n-A ${chain} ! -d ff00::/8 ${c} -j MASQUERADE`);
        assert.not.ok(fx.nftRuleset().includes('cni_plugins_masquerade'), 'nothing in nftables');
      }

      const check = fx.run(bin, 'bridge', call(fx, ns, 'CHECK', { ...config, prevResult: add.json }, cid));
      ok(check, 'CHECK');

      ok(fx.run(bin, 'bridge', call(fx, ns, 'DEL', config, cid)), 'DEL');
      assert.equal(rulesOf(fx, cid), { nft: false, ipt4: false, ipt6: false });
      ok(fx.run(bin, 'bridge', call(fx, ns, 'DEL', config, cid)), 'second DEL');
      ok(fx.run(bin, 'bridge', call(fx, undefined, 'DEL', config, cid)), 'DEL without netns');
    } finally {
      fx.cleanup();
    }
  });
}

t('bridge without ipMasq: the peer cannot answer (no route back), so the tests above can fail', async ({ bin }) => {
  const fx = new HostNsFixture();
  try {
    const peer = fx.peer();
    const ns = fx.netns();
    ok(fx.run(bin, 'bridge', call(fx, ns, 'ADD', fx.bridgeConf({ isDefaultGateway: true }), `c-${ns.name}`)), 'ADD');
    // The path to the host works (so silence below is the missing route back, not a cold link).
    assert.ok(ping(ns, peer.hostV4), 'container reaches the host across the peer link address');
    assert.ok(ping(peer.ns, peer.hostV4), 'peer reaches the host');
    assert.is(await sourceSeenByPeer(ns, peer, 4, 1), '');
  } finally {
    fx.cleanup();
  }
});

t('CHECK fails when the masquerade rules are gone; absent ipMasqBackend means nftables', async ({ bin }) => {
  const fx = new HostNsFixture();
  try {
    const ns = fx.netns();
    const cid = `c-${ns.name}`;
    const config = fx.bridgeConf({ isGateway: true, ipMasq: true });
    const add = fx.run(bin, 'bridge', call(fx, ns, 'ADD', config, cid));
    ok(add, 'ADD');
    assert.equal(rulesOf(fx, cid), { nft: true, ipt4: false, ipt6: false });
    fx.host.execOk('nft', ['delete', 'table', 'inet', 'cni_plugins_masquerade']);
    const check = fx.run(bin, 'bridge', call(fx, ns, 'CHECK', { ...config, prevResult: add.json }, cid));
    assert.is.not(check.code, 0, 'CHECK must fail');
    assert.match(check.json?.msg ?? '', /ipMasq/);
    ok(fx.run(bin, 'bridge', call(fx, ns, 'DEL', config, cid)), 'DEL with the table already gone');
  } finally {
    fx.cleanup();
  }
});

t('ptp: masquerading (default backend), CHECK, DEL leaves nothing', async ({ bin }) => {
  const fx = new HostNsFixture();
  try {
    const peer = fx.peer();
    const ns = fx.netns();
    const cid = `c-${ns.name}`;
    const config = fx.ptpConf({ ipMasq: true });
    const add = fx.run(bin, 'ptp', call(fx, ns, 'ADD', config, cid));
    ok(add, 'ADD');
    ns.execOk('ip', ['route', 'replace', 'default', 'via', add.json.ips[0].gateway]);
    assert.is(await sourceSeenByPeer(ns, peer, 4), peer.hostV4);
    ok(fx.run(bin, 'ptp', call(fx, ns, 'CHECK', { ...config, prevResult: add.json }, cid)), 'CHECK');
    ok(fx.run(bin, 'ptp', call(fx, ns, 'DEL', config, cid)), 'DEL');
    assert.equal(rulesOf(fx, cid), { nft: false, ipt4: false, ipt6: false });
    ok(fx.run(bin, 'ptp', call(fx, ns, 'DEL', config, cid)), 'second DEL');
  } finally {
    fx.cleanup();
  }
});

t('GC removes the masquerading of attachments that are not valid, in both backends, and keeps valid ones', async ({ bin }) => {
  const fx = new HostNsFixture();
  try {
    const made: { ns: TestNetns; cid: string; backend: string }[] = [];
    for (const backend of ['nftables', 'nftables', 'iptables', 'iptables']) {
      const ns = fx.netns();
      const cid = `c-${ns.name}`;
      ok(fx.run(bin, 'bridge', call(fx, ns, 'ADD', fx.bridgeConf({ isGateway: true, ipMasq: true, ipMasqBackend: backend }), cid)), `ADD ${backend}`);
      made.push({ ns, cid, backend });
    }
    const [keepNft, dropNft, keepIpt, dropIpt] = made as [(typeof made)[0], (typeof made)[0], (typeof made)[0], (typeof made)[0]];
    assert.equal(rulesOf(fx, dropIpt.cid), { nft: false, ipt4: true, ipt6: false });
    const valid = [keepNft, keepIpt].map((m) => ({ containerID: m.cid, ifname: 'eth0' }));
    const gcConf = { ...fx.bridgeConf({ isGateway: true, ipMasq: true }), 'cni.dev/valid-attachments': valid };
    ok(fx.run(bin, 'bridge', { command: 'GC', config: gcConf }), 'GC');
    assert.equal(rulesOf(fx, keepNft.cid), { nft: true, ipt4: false, ipt6: false }, 'valid nftables attachment kept');
    assert.equal(rulesOf(fx, dropNft.cid), { nft: false, ipt4: false, ipt6: false }, 'stale nftables attachment removed');
    assert.equal(rulesOf(fx, keepIpt.cid), { nft: false, ipt4: true, ipt6: false }, 'valid iptables attachment kept');
    assert.equal(rulesOf(fx, dropIpt.cid), { nft: false, ipt4: false, ipt6: false }, 'stale iptables attachment removed');
    assert.not.match(fx.iptablesNat(4), iptablesChainName(fx.name, dropIpt.cid), 'its POSTROUTING jump went too');
    const noList = fx.run(bin, 'bridge', { command: 'GC', config: fx.bridgeConf({ ipMasq: true }) });
    assert.is(noList.json?.code, 7, `GC without the valid list is refused: ${noList.stdout}`);
    for (const m of made) ok(fx.run(bin, 'bridge', call(fx, m.ns, 'DEL', fx.bridgeConf({ ipMasq: true }), m.cid)), 'DEL');
    for (const m of made) assert.equal(rulesOf(fx, m.cid), { nft: false, ipt4: false, ipt6: false });
  } finally {
    fx.cleanup();
  }
});

t.run();
