/**
 * portmap through dist/cni symlinks, chained after bridge (+ host-local) the way a runtime chains
 * them, inside a private HOSTNS (see test/helpers/portmap-world.ts), with real TCP and UDP traffic to socat
 * servers in the container: from a peer namespace through the host's address, from the host
 * itself, from 127.0.0.1 on the host (route_localnet + masquerade), from the container itself
 * (hairpin), hostIP restrictions, for both backends; then CHECK, DEL (twice, without netns) and
 * what is left in `nft list ruleset` / `iptables-save`. Needs root, socat, nft, iptables.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CniBinDir } from '../helpers/cni.js';
import { isRoot } from '../helpers/env.js';
import { PortmapWorld, portBase, type Container, type Mapping } from '../helpers/portmap-world.js';

type Backend = 'nftables' | 'iptables';

let bin: CniBinDir;

test.before(() => {
  if (!isRoot()) throw new Error('portmap integration tests need root');
  bin = new CniBinDir();
});
test.after(() => bin?.dispose());

/** What the host's rules contain about this container, per backend. */
function rulesMentioning(w: PortmapWorld, backend: Backend, c: Container): string[] {
  if (backend === 'nftables') return w.nftRuleset().split('\n').filter((l) => l.includes(c.id) || l.includes(c.v4));
  return [...w.iptablesNat(4).split('\n'), ...w.iptablesNat(6).split('\n')].filter((l) => l.includes(c.id) || l.includes(c.v4));
}

async function servers(w: PortmapWorld, c: Container, tag: string): Promise<void> {
  await w.serve(c.ns, 'tcp', 80, `tcp-${tag}`);
  await w.serve(c.ns, 'udp', 53, `udp-${tag}`);
}

for (const backend of ['nftables', 'iptables'] as const) {
  const extra = backend === 'iptables' ? { backend: 'iptables' } : {};

  test(`${backend}: TCP and UDP host ports reach the container from a peer, the host, localhost and the container itself`, async () => {
    const w = new PortmapWorld();
    try {
      const a = w.container(bin, 'a');
      await servers(w, a, 'a');
      const p = portBase();
      const mappings: Mapping[] = [
        { hostPort: p + 1, containerPort: 80, protocol: 'tcp' },
        { hostPort: p + 2, containerPort: 53, protocol: 'udp' },
        // Only through the host's peer-link address / only through the bridge gateway address.
        { hostPort: p + 3, containerPort: 80, protocol: 'tcp', hostIP: w.hostV4 },
        { hostPort: p + 4, containerPort: 80, protocol: 'tcp', hostIP: w.gwV4 },
        // A hostIP of the other family is left out of the IPv4 rules.
        { hostPort: p + 5, containerPort: 80, protocol: 'tcp', hostIP: 'fd00::1' },
      ];
      const conf = w.portmapConf(mappings, extra, a.result);

      // Nothing is forwarded before ADD: the test can fail.
      assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 1, { timeout: 1 }), '', 'no forwarding before ADD');

      const add = w.portmap(bin, 'ADD', a, conf);
      assert.is(add.code, 0, `portmap ADD: ${add.stdout}${add.stderr}`);
      assert.equal(add.json, a.result, 'prevResult passes through unchanged');

      assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 1), 'tcp-a', 'TCP from the peer through the host address');
      assert.is(w.request(w.peer, 'udp', w.hostV4, p + 2), 'udp-a', 'UDP from the peer through the host address');
      assert.is(w.request(w.host, 'tcp', w.hostV4, p + 1), 'tcp-a', 'TCP from the host itself to its own address');
      assert.is(w.request(w.host, 'tcp', w.gwV4, p + 1), 'tcp-a', 'TCP from the host to its bridge address');
      assert.is(w.request(w.host, 'tcp', '127.0.0.1', p + 1), 'tcp-a', 'TCP from localhost');
      assert.is(w.request(w.host, 'udp', '127.0.0.1', p + 2), 'udp-a', 'UDP from localhost');
      assert.is(w.request(a.ns, 'tcp', w.hostV4, p + 1), 'tcp-a', 'TCP hairpin: the container through its own host port');
      assert.is(w.request(a.ns, 'udp', w.gwV4, p + 2), 'udp-a', 'UDP hairpin');

      assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 3), 'tcp-a', 'hostIP mapping through its address');
      assert.is(w.request(w.host, 'tcp', w.gwV4, p + 3, { timeout: 1 }), '', 'hostIP mapping not through another host address');
      assert.is(w.request(w.host, 'tcp', w.gwV4, p + 4), 'tcp-a', 'hostIP (gateway) mapping through the gateway');
      assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 4, { timeout: 1 }), '', 'hostIP (gateway) mapping not through the peer link');
      assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 5, { timeout: 1 }), '', 'an IPv6 hostIP does not open the IPv4 port');

      const routeLocalnet = w.host.execOk('sysctl', ['-n', `net.ipv4.conf.${w.bridge}.route_localnet`]).trim();
      assert.is(routeLocalnet, '1', 'route_localnet on the bridge (the interface toward the container)');

      const check = w.portmap(bin, 'CHECK', a, conf);
      assert.is(check.code, 0, `CHECK: ${check.stdout}${check.stderr}`);

      // DEL needs no netns; afterwards nothing of the container is left and the ports are closed.
      const del = w.portmap(bin, 'DEL', a, conf, { netns: '' });
      assert.is(del.code, 0, `DEL: ${del.stdout}${del.stderr}`);
      assert.equal(rulesMentioning(w, 'nftables', a), [], 'no nftables rule of the container after DEL');
      assert.equal(rulesMentioning(w, 'iptables', a), [], 'no iptables rule of the container after DEL');
      assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 1, { timeout: 1 }), '', 'closed after DEL');
      const again = w.portmap(bin, 'DEL', a, conf);
      assert.is(again.code, 0, `second DEL: ${again.stdout}${again.stderr}`);
      const check2 = w.portmap(bin, 'CHECK', a, conf);
      assert.is.not(check2.code, 0, 'CHECK fails once the rules are gone');
    } finally {
      await w.cleanup();
    }
  });

  test(`${backend}: the rules have the reference layout`, async () => {
    const w = new PortmapWorld();
    try {
      const a = w.container(bin, 'a');
      const p = portBase();
      const conf = w.portmapConf(
        [
          { hostPort: p + 1, containerPort: 80, protocol: 'tcp' },
          { hostPort: p + 2, containerPort: 53, protocol: 'udp', hostIP: w.hostV4 },
        ],
        extra,
        a.result,
      );
      const add = w.portmap(bin, 'ADD', a, conf);
      assert.is(add.code, 0, `ADD: ${add.stdout}${add.stderr}`);
      if (backend === 'nftables') {
        const ruleset = w.nftRuleset();
        const expected = [
          'table ip cni_hostport {',
          '\tchain hostports {',
          `\t\ttcp dport ${p + 1} dnat to ${a.v4}:80 comment "${a.id}"`,
          `\t\tip daddr ${w.hostV4} udp dport ${p + 2} dnat to ${a.v4}:53 comment "${a.id}"`,
          '\t}',
          '',
          '\tchain hostip_hostports {',
          '\t}',
          '',
          '\tchain hostports_all {',
          '\t\tjump hostip_hostports',
          '\t\tjump hostports',
          '\t}',
          '',
          '\tchain prerouting {',
          '\t\ttype nat hook prerouting priority dstnat; policy accept;',
          '\t\tfib daddr type local jump hostports_all',
          '\t}',
          '',
          '\tchain output {',
          '\t\ttype nat hook output priority -100; policy accept;',
          '\t\tfib daddr type local jump hostports_all',
          '\t}',
          '',
          '\tchain masquerading {',
          '\t\ttype nat hook postrouting priority srcnat; policy accept;',
          `\t\tip saddr ${a.v4} ip daddr ${a.v4} masquerade comment "${a.id}"`,
          `\t\tip saddr 127.0.0.1 ip daddr ${a.v4} masquerade comment "${a.id}"`,
          '\t}',
          '}',
        ].join('\n');
        assert.ok(ruleset.includes(expected), `nft list ruleset:\n${ruleset}`);
        // No iptables rule was written.
        assert.not.match(w.iptablesNat(4), /CNI-HOSTPORT/);
      } else {
        const nat = w.iptablesNat(4);
        const dn = /:(CNI-DN-[0-9a-f]{21}) /.exec(nat)?.[1];
        assert.ok(dn, `a per-container chain:\n${nat}`);
        const net = a.result.ips[0].address.replace(/\.\d+\/24$/, '.0/24');
        for (const line of [
          '-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
          '-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT',
          '-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ',
          `-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"${w.name}\\" id: \\"${a.id}\\"" -m multiport --dports ${p + 1} -j ${dn}`,
          `-A CNI-HOSTPORT-DNAT -p udp -m comment --comment "dnat name: \\"${w.name}\\" id: \\"${a.id}\\"" -m multiport --dports ${p + 2} -j ${dn}`,
          `-A ${dn} -s ${net} -p tcp -m tcp --dport ${p + 1} -j CNI-HOSTPORT-SETMARK`,
          `-A ${dn} -s 127.0.0.1/32 -p tcp -m tcp --dport ${p + 1} -j CNI-HOSTPORT-SETMARK`,
          `-A ${dn} -p tcp -m tcp --dport ${p + 1} -j DNAT --to-destination ${a.v4}:80`,
          `-A ${dn} -s ${net} -d ${w.hostV4}/32 -p udp -m udp --dport ${p + 2} -j CNI-HOSTPORT-SETMARK`,
          `-A ${dn} -d ${w.hostV4}/32 -p udp -m udp --dport ${p + 2} -j DNAT --to-destination ${a.v4}:53`,
          '-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE',
          '-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000',
        ]) {
          assert.ok(nat.split('\n').includes(line), `iptables-save has\n${line}\nin\n${nat}`);
        }
        assert.not.match(w.nftRuleset(), /cni_hostport/, 'no nftables table with backend iptables');
      }
      // A repeated ADD converges instead of doubling the rules.
      const before = backend === 'nftables' ? w.nftRuleset() : w.iptablesNat(4);
      assert.is(w.portmap(bin, 'ADD', a, conf).code, 0);
      assert.is(backend === 'nftables' ? w.nftRuleset() : w.iptablesNat(4), before, 'a second ADD leaves the same rules');
    } finally {
      await w.cleanup();
    }
  });

  test(`${backend}: two containers, DEL of one leaves the other, GC removes rules of containers that are gone`, async () => {
    const w = new PortmapWorld();
    try {
      const a = w.container(bin, 'a');
      const b = w.container(bin, 'b');
      await servers(w, a, 'a');
      await servers(w, b, 'b');
      const p = portBase();
      const confA = w.portmapConf([{ hostPort: p + 1, containerPort: 80, protocol: 'tcp' }], extra, a.result);
      const confB = w.portmapConf([{ hostPort: p + 2, containerPort: 80, protocol: 'tcp' }], extra, b.result);
      assert.is(w.portmap(bin, 'ADD', a, confA).code, 0);
      assert.is(w.portmap(bin, 'ADD', b, confB).code, 0);
      assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 1), 'tcp-a');
      assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 2), 'tcp-b');

      // GC keeps a (listed) and removes b (gone).
      const gcConf = { cniVersion: '1.1.0', name: w.name, type: 'portmap', ...extra, 'cni.dev/valid-attachments': [{ containerID: a.id, ifname: 'eth0' }] };
      const gc = w.run(bin, 'portmap', { command: 'GC', config: gcConf });
      assert.is(gc.code, 0, `GC: ${gc.stdout}${gc.stderr}`);
      assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 1), 'tcp-a', 'a kept by GC');
      assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 2, { timeout: 1 }), '', 'b removed by GC');
      assert.equal(rulesMentioning(w, backend, b), [], 'no rule of b after GC');
      assert.ok(rulesMentioning(w, backend, a).length > 0, 'rules of a are still there');

      const status = w.run(bin, 'portmap', { command: 'STATUS', config: { cniVersion: '1.1.0', name: w.name, type: 'portmap', ...extra } });
      assert.is(status.code, 0, `STATUS: ${status.stdout}${status.stderr}`);

      assert.is(w.portmap(bin, 'DEL', a, confA).code, 0);
      assert.equal(rulesMentioning(w, backend, a), []);
    } finally {
      await w.cleanup();
    }
  });

  test(`${backend}: the newest container wins a host port both map`, async () => {
    const w = new PortmapWorld();
    try {
      const a = w.container(bin, 'a');
      const b = w.container(bin, 'b');
      await servers(w, a, 'a');
      await servers(w, b, 'b');
      const p = portBase();
      const m: Mapping[] = [{ hostPort: p + 1, containerPort: 80, protocol: 'tcp' }];
      assert.is(w.portmap(bin, 'ADD', a, w.portmapConf(m, extra, a.result)).code, 0);
      assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 1), 'tcp-a');
      assert.is(w.portmap(bin, 'ADD', b, w.portmapConf(m, extra, b.result)).code, 0);
      assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 1), 'tcp-b', 'b added last gets the port');
      assert.is(w.portmap(bin, 'DEL', b, w.portmapConf(m, extra)).code, 0);
      assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 1), 'tcp-a', 'back to a after DEL of b');
    } finally {
      await w.cleanup();
    }
  });

  test(`${backend}: masqAll lets a neighbour on the same bridge use the host port`, async () => {
    const w = new PortmapWorld();
    try {
      const a = w.container(bin, 'a');
      const b = w.container(bin, 'b');
      await servers(w, a, 'a');
      const p = portBase();
      const m: Mapping[] = [{ hostPort: p + 1, containerPort: 80, protocol: 'tcp' }];
      assert.is(w.portmap(bin, 'ADD', a, w.portmapConf(m, { ...extra, masqAll: true }, a.result)).code, 0);
      assert.is(w.request(b.ns, 'tcp', w.gwV4, p + 1), 'tcp-a', 'neighbour through the gateway address');
      assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 1), 'tcp-a', 'peer still reaches it');
      assert.is(w.portmap(bin, 'CHECK', a, w.portmapConf(m, { ...extra, masqAll: true }, a.result)).code, 0);
    } finally {
      await w.cleanup();
    }
  });
}

test('nftables: IPv6 host ports (dual stack)', async () => {
  const w = new PortmapWorld(['4', '6']);
  try {
    const a = w.container(bin, 'a');
    assert.ok(a.v6, 'the container has an IPv6 address');
    await servers(w, a, 'a');
    const p = portBase();
    const conf = w.portmapConf(
      [
        { hostPort: p + 1, containerPort: 80, protocol: 'tcp' },
        { hostPort: p + 2, containerPort: 53, protocol: 'udp' },
        { hostPort: p + 3, containerPort: 80, protocol: 'tcp', hostIP: w.hostV6 },
      ],
      {},
      a.result,
    );
    const add = w.portmap(bin, 'ADD', a, conf);
    assert.is(add.code, 0, `ADD: ${add.stdout}${add.stderr}`);
    assert.is(w.request(w.peer, 'tcp', w.hostV6, p + 1), 'tcp-a', 'TCP over IPv6 from the peer');
    assert.is(w.request(w.peer, 'udp', w.hostV6, p + 2), 'udp-a', 'UDP over IPv6 from the peer');
    assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 1), 'tcp-a', 'and over IPv4');
    assert.is(w.request(w.peer, 'tcp', w.hostV6, p + 3), 'tcp-a', 'IPv6 hostIP mapping');
    assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 3, { timeout: 1 }), '', 'IPv6 hostIP mapping closed over IPv4');
    assert.is(w.request(a.ns, 'tcp', w.hostV6, p + 1), 'tcp-a', 'IPv6 hairpin');
    assert.match(w.nftRuleset(), `ip6 saddr ${a.v6} ip6 daddr ${a.v6} masquerade comment "${a.id}"`);
    assert.is(w.portmap(bin, 'CHECK', a, conf).code, 0);
    assert.is(w.portmap(bin, 'DEL', a, conf).code, 0);
    assert.not.match(w.nftRuleset(), a.id);
  } finally {
    await w.cleanup();
  }
});

test('nftables: conditionsV4 restrict who reaches the host port', async () => {
  const w = new PortmapWorld();
  try {
    const a = w.container(bin, 'a');
    await servers(w, a, 'a');
    const p = portBase();
    const m: Mapping[] = [{ hostPort: p + 1, containerPort: 80, protocol: 'tcp' }];
    const conf = w.portmapConf(m, { conditionsV4: ['ip saddr', '!=', `${w.peerNet.v4Prefix}0/24`] }, a.result);
    assert.is(w.portmap(bin, 'ADD', a, conf).code, 0);
    assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 1, { timeout: 1 }), '', 'the peer subnet is excluded');
    // From the host to its bridge address the source is the bridge address, outside the excluded subnet.
    assert.is(w.request(w.host, 'tcp', w.gwV4, p + 1), 'tcp-a', 'the host is not');
    assert.match(w.nftRuleset(), `ip saddr != ${w.peerNet.v4Prefix}0/24 fib daddr type local jump hostports_all`);
  } finally {
    await w.cleanup();
  }
});

test('iptables: conditionsV4 in iptables syntax select the iptables backend by themselves', async () => {
  const w = new PortmapWorld();
  try {
    const a = w.container(bin, 'a');
    await servers(w, a, 'a');
    const p = portBase();
    const m: Mapping[] = [{ hostPort: p + 1, containerPort: 80, protocol: 'tcp' }];
    const conf = w.portmapConf(m, { conditionsV4: ['!', '-s', `${w.peerNet.v4Prefix}0/24`] }, a.result);
    const add = w.portmap(bin, 'ADD', a, conf);
    assert.is(add.code, 0, `ADD: ${add.stdout}${add.stderr}`);
    assert.match(w.iptablesNat(4), `! -s ${w.peerNet.v4Prefix}0/24`);
    assert.is(w.request(w.peer, 'tcp', w.hostV4, p + 1, { timeout: 1 }), '', 'the peer subnet is excluded');
    assert.is(w.request(w.host, 'tcp', w.gwV4, p + 1), 'tcp-a', 'the host is not');
    assert.is(w.portmap(bin, 'DEL', a, conf).code, 0);
    assert.not.match(w.iptablesNat(4), 'CNI-DN-');
  } finally {
    await w.cleanup();
  }
});

test('ADD refuses a config without prevResult and a wrong-backend option', async () => {
  const w = new PortmapWorld();
  try {
    const c = { id: `pm-x-${w.suffix}`, ns: w.peer };
    const noPrev = w.portmap(bin, 'ADD', c, w.portmapConf([{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }]));
    assert.is(noPrev.code, 1);
    assert.is(noPrev.json.code, 7);
    assert.is(noPrev.json.msg, 'must be called as chained plugin');
    const wrong = w.portmap(bin, 'ADD', c, w.portmapConf([], { backend: 'nftables', externalSetMarkChain: 'KUBE-MARK-MASQ' }, { cniVersion: '1.1.0' }));
    assert.is(wrong.json.code, 2);
    assert.is(wrong.json.msg, 'nftables backend was requested but configuration contains iptables-specific options [externalSetMarkChain]');
  } finally {
    await w.cleanup();
  }
});

test.run();
