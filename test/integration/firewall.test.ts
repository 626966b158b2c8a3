/**
 * firewall through dist/cni symlinks with real traffic, for both backends. Everything runs in a
 * dedicated host namespace (see test/helpers/firewall-world.ts) whose forward path drops by default, so a
 * container gets through only because of the firewall's rules: two bridges A and B, containers
 * on them from bridge + host-local, the firewall chained with the bridge result as prevResult.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CniBinDir } from '../helpers/cni.js';
import { World, blocked, reaches, type BackendName, type Container } from '../helpers/firewall-world.js';

const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => assert.is(r.code, 0, `${what}: ${r.stdout}${r.stderr}`);

/** Lines of a dump that mention the container (its ID is in every owner comment). */
const linesOf = (dump: string, c: Container): string[] => dump.split('\n').filter((l) => l.includes(c.containerId));

const suites: { run(): void }[] = [];

for (const backend of ['nftables', 'iptables'] as const satisfies readonly BackendName[]) {
  const t = suite<{ bin: CniBinDir }>(`firewall (${backend})`);
  suites.push(t);
  t.before((ctx) => {
    ctx.bin = new CniBinDir();
  });
  t.after((ctx) => ctx.bin?.dispose());

  /** A world with networks A and B and the forward path dropping by default; fn gets it, cleanup always runs. */
  const withWorld = (bin: CniBinDir, fn: (w: World) => void): void => {
    const w = new World(bin);
    try {
      w.forwardPolicyDrop(backend);
      fn(w);
    } finally {
      w.cleanup();
    }
  };

  t('open: accepted from the container, replies return as established, new connections to it are not', ({ bin }) => {
    withWorld(bin, (w) => {
      const [A, B] = [w.network(), w.network()];
      const a1 = w.container(A, 'a1');
      const b1 = w.container(B, 'b1');
      assert.ok(blocked(a1, b1.v4), 'without firewall rules the forward path drops a1 -> b1');

      const add = w.firewall('ADD', a1, backend);
      ok(add, 'firewall ADD a1');
      assert.equal(add.json, a1.result, 'ADD passes the prevResult through');
      // a1 -> b1 is accepted by "saddr a1"; b1's replies only by "daddr a1 ct state established,related".
      assert.ok(reaches(a1, b1.v4), 'a1 -> b1 (IPv4)');
      assert.ok(reaches(a1, b1.v6), 'a1 -> b1 (IPv6)');
      assert.ok(blocked(b1, a1.v4), 'b1 -> a1 is a new connection: dropped');
      assert.ok(blocked(b1, a1.v6), 'b1 -> a1 is a new connection: dropped (IPv6)');

      ok(w.firewall('ADD', b1, backend), 'firewall ADD b1');
      assert.ok(reaches(b1, a1.v4), 'b1 -> a1 once b1 has rules');
      ok(w.firewall('CHECK', a1, backend), 'CHECK a1');

      ok(w.firewall('DEL', a1, backend), 'firewall DEL a1');
      ok(w.firewall('DEL', b1, backend), 'firewall DEL b1');
      assert.ok(blocked(a1, b1.v4), 'after DEL the rules no longer let a1 through');
    });
  });

  t('the admin chain comes first: a DROP the administrator puts there wins, and ADD keeps it', ({ bin }) => {
    withWorld(bin, (w) => {
      const [A, B] = [w.network(), w.network()];
      const a1 = w.container(A, 'a1');
      const b1 = w.container(B, 'b1');
      ok(w.firewall('ADD', a1, backend), 'firewall ADD a1');
      ok(w.firewall('ADD', b1, backend), 'firewall ADD b1');
      assert.ok(reaches(a1, b1.v4), 'a1 -> b1 before the admin rule');

      w.adminDrop(backend, b1.v4);
      assert.ok(blocked(a1, b1.v4), 'the admin DROP blocks a1 -> b1');
      assert.ok(reaches(a1, b1.v6), 'the admin rule is for IPv4 only');

      const a2 = w.container(A, 'a2');
      ok(w.firewall('ADD', a2, backend), 'another ADD');
      ok(w.firewall('ADD', a1, backend), 'ADD a1 again (idempotent)');
      assert.ok(blocked(a1, b1.v4), 'ADD did not flush the admin chain');
      assert.ok(w.dump(backend).includes(b1.v4), 'the admin rule is still listed');

      w.adminFlush(backend);
      assert.ok(reaches(a1, b1.v4), 'a1 -> b1 again without the admin rule');
      if (backend === 'nftables') {
        assert.match(w.hostOk('nft', ['list', 'chain', 'inet', 'cni_plugins_firewall', 'forward']), /policy drop;/, 'the administrator\'s policy survived every ADD');
      }
    });
  });

  t('same-bridge: traffic from another bridge is dropped, traffic within the bridge is not', ({ bin }) => {
    withWorld(bin, (w) => {
      const [A, B] = [w.network(), w.network()];
      const a1 = w.container(A, 'a1');
      const a2 = w.container(A, 'a2');
      const b1 = w.container(B, 'b1');
      for (const c of [a1, a2, b1]) ok(w.firewall('ADD', c, backend, { ingressPolicy: 'open' }), `ADD ${c.containerId} open`);
      assert.ok(reaches(b1, a1.v4), 'open: b1 -> a1');
      assert.ok(reaches(a1, b1.v4), 'open: a1 -> b1');

      for (const c of [a1, a2, b1]) ok(w.firewall('ADD', c, backend, { ingressPolicy: 'same-bridge' }), `ADD ${c.containerId} same-bridge`);
      ok(w.firewall('CHECK', a1, backend, { ingressPolicy: 'same-bridge' }), 'CHECK same-bridge');
      assert.ok(reaches(a1, a2.v4), 'same bridge: a1 -> a2');
      assert.ok(reaches(a2, a1.v6), 'same bridge: a2 -> a1 (IPv6)');
      assert.ok(reaches(a1, `${A.net.v4Prefix}1`), 'the gateway (host input, not forwarded) is reachable');
      assert.ok(blocked(b1, a1.v4), 'another bridge: b1 -> a1 dropped');
      assert.ok(blocked(a1, b1.v4), 'another bridge: a1 -> b1 dropped');
      assert.ok(blocked(b1, a1.v6), 'another bridge: b1 -> a1 dropped (IPv6)');

      // Isolation rules belong to the attachments: once b1's are gone, bridge B is not isolated.
      ok(w.firewall('ADD', b1, backend, { ingressPolicy: 'open' }), 'b1 back to open');
      assert.ok(reaches(a1, b1.v4), 'a1 -> b1 once bridge B has no isolating attachment');
    });
  });

  t('isolated: even containers of the same bridge are cut off from each other', ({ bin }) => {
    withWorld(bin, (w) => {
      const bridgeNf = w.host.exec('cat', ['/proc/sys/net/bridge/bridge-nf-call-iptables']).stdout.trim();
      const [A, B] = [w.network(), w.network()];
      const a1 = w.container(A, 'a1');
      const a2 = w.container(A, 'a2');
      const b1 = w.container(B, 'b1');
      ok(w.firewall('ADD', a1, backend, { ingressPolicy: 'isolated' }), 'ADD a1 isolated');
      ok(w.firewall('ADD', a2, backend, { ingressPolicy: 'isolated' }), 'ADD a2 isolated');
      ok(w.firewall('ADD', b1, backend, { ingressPolicy: 'isolated' }), 'ADD b1 isolated');
      ok(w.firewall('CHECK', a2, backend, { ingressPolicy: 'isolated' }), 'CHECK isolated');
      assert.ok(reaches(a1, `${A.net.v4Prefix}1`), 'the gateway is reachable');
      assert.ok(blocked(a1, b1.v4), 'another bridge: a1 -> b1 dropped');
      assert.ok(blocked(b1, a1.v4), 'another bridge: b1 -> a1 dropped');
      if (bridgeNf === '1') {
        assert.ok(blocked(a1, a2.v4), 'same bridge: a1 -> a2 dropped (bridged traffic passes netfilter)');
        assert.ok(blocked(a2, a1.v6), 'same bridge: a2 -> a1 dropped (IPv6)');
        ok(w.firewall('DEL', a1, backend), 'DEL a1');
        ok(w.firewall('ADD', a1, backend, { ingressPolicy: 'same-bridge' }), 'a1 same-bridge');
        assert.ok(blocked(a1, a2.v4), 'a2 still makes bridge A isolated');
        ok(w.firewall('ADD', a2, backend, { ingressPolicy: 'same-bridge' }), 'a2 same-bridge');
        assert.ok(reaches(a1, a2.v4), 'no isolated attachment left on A: a1 -> a2');
      } else {
        console.warn(`firewall isolated (${backend}): bridge-nf-call-iptables is ${bridgeNf || 'absent'}, same-bridge drop not testable`);
      }
    });
  });

  t('the ruleset has the documented layout; DEL leaves no rule of the container, twice, without netns or prevResult', ({ bin }) => {
    withWorld(bin, (w) => {
      const [A] = [w.network()];
      const a1 = w.container(A, 'a1');
      const a2 = w.container(A, 'a2');
      ok(w.firewall('ADD', a1, backend, { ingressPolicy: 'isolated' }), 'ADD a1');
      ok(w.firewall('ADD', a2, backend), 'ADD a2');
      const dump = w.dump(backend);
      const owner = (c: Container) => `"cni-firewall ${A.name} ${c.containerId} eth0"`;
      const br = A.bridge;
      if (backend === 'nftables') {
        const expected = [
          'table inet cni_plugins_firewall {',
          'chain forward {',
          'type filter hook forward priority filter; policy drop;',
          'jump admin comment "CNI firewall plugin admin overrides"',
          'jump isolation-stage-1 comment "CNI firewall plugin ingress isolation"',
          `ip daddr ${a1.v4} ct state established,related accept comment ${owner(a1)}`,
          `ip saddr ${a1.v4} accept comment ${owner(a1)}`,
          `ip6 daddr ${a1.v6} ct state established,related accept comment ${owner(a1)}`,
          `ip6 saddr ${a1.v6} accept comment ${owner(a1)}`,
          `ip daddr ${a2.v4} ct state established,related accept comment ${owner(a2)}`,
          `ip saddr ${a2.v4} accept comment ${owner(a2)}`,
          `ip6 daddr ${a2.v6} ct state established,related accept comment ${owner(a2)}`,
          `ip6 saddr ${a2.v6} accept comment ${owner(a2)}`,
          '}',
          'chain admin {',
          '}',
          'chain isolation-stage-1 {',
          `iifname "${br}" oifname != "${br}" jump isolation-stage-2 comment ${owner(a1)}`,
          `iifname "${br}" oifname "${br}" drop comment ${owner(a1)}`,
          '}',
          'chain isolation-stage-2 {',
          `oifname "${br}" drop comment ${owner(a1)}`,
          '}',
          '}',
        ];
        assert.equal(dump.split('\n').map((l) => l.trim()).filter(Boolean), expected, dump);
      } else {
        const [v4, v6] = dump.split('*filter').slice(1).map((s) => s.split('\n').filter((l) => l.startsWith('-A ')));
        const expected = (ip: string, len: number) => [
          '-A FORWARD -m comment --comment "CNI firewall plugin ingress isolation" -j CNI-ISOLATION-STAGE-1',
          '-A FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD',
          '-A CNI-FORWARD -m comment --comment "CNI firewall plugin admin overrides" -j CNI-ADMIN',
          `-A CNI-FORWARD -d ${ip === 'v4' ? a1.v4 : a1.v6}/${len} -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment ${owner(a1)} -j ACCEPT`,
          `-A CNI-FORWARD -s ${ip === 'v4' ? a1.v4 : a1.v6}/${len} -m comment --comment ${owner(a1)} -j ACCEPT`,
          `-A CNI-FORWARD -d ${ip === 'v4' ? a2.v4 : a2.v6}/${len} -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment ${owner(a2)} -j ACCEPT`,
          `-A CNI-FORWARD -s ${ip === 'v4' ? a2.v4 : a2.v6}/${len} -m comment --comment ${owner(a2)} -j ACCEPT`,
          `-A CNI-ISOLATION-STAGE-1 -i ${br} -o ${br} -m comment --comment ${owner(a1)} -j DROP`,
          `-A CNI-ISOLATION-STAGE-1 -i ${br} ! -o ${br} -m comment --comment ${owner(a1)} -j CNI-ISOLATION-STAGE-2`,
          `-A CNI-ISOLATION-STAGE-2 -o ${br} -m comment --comment ${owner(a1)} -j DROP`,
        ];
        assert.equal(v4, expected('v4', 32), dump);
        assert.equal(v6, expected('v6', 128), dump);
      }

      ok(w.firewall('DEL', a1, backend, { ingressPolicy: 'isolated' }), 'DEL a1');
      const after = w.dump(backend);
      assert.equal(linesOf(after, a1), [], `no rule of a1 remains:\n${after}`);
      assert.is(linesOf(after, a2).length, 4, `a2's rules stay (two per address):\n${after}`);
      ok(w.firewall('DEL', a1, backend, {}, { withPrev: false, netns: false }), 'DEL a1 again, without prevResult or CNI_NETNS');
      const c = w.firewall('CHECK', a1, backend, { ingressPolicy: 'isolated' });
      assert.is(c.code, 1, 'CHECK fails once the rules are gone');
      assert.match(c.json?.msg ?? '', /not found/, c.stdout);
      ok(w.firewall('DEL', a2, backend, {}, { withPrev: false }), 'DEL a2');
      assert.equal(linesOf(w.dump(backend), a2), [], 'no rule of a2 remains');
    });
  });

  t('ADD puts back a missing jump where it belongs and CHECK notices it missing', ({ bin }) => {
    withWorld(bin, (w) => {
      const [A] = [w.network()];
      const a1 = w.container(A, 'a1');
      const conf = { ingressPolicy: 'same-bridge' };
      ok(w.firewall('ADD', a1, backend, conf), 'ADD');
      if (backend === 'nftables') {
        const handle = /jump isolation-stage-1 .*# handle (\d+)/.exec(w.hostOk('nft', ['-a', 'list', 'chain', 'inet', 'cni_plugins_firewall', 'forward']))?.[1];
        assert.ok(handle, 'the isolation jump is listed');
        w.hostOk('nft', ['delete', 'rule', 'inet', 'cni_plugins_firewall', 'forward', 'handle', handle!]);
      } else {
        w.hostOk('iptables', ['-D', 'FORWARD', '-m', 'comment', '--comment', 'CNI firewall plugin rules', '-j', 'CNI-FORWARD']);
      }
      const check = w.firewall('CHECK', a1, backend, conf);
      assert.is(check.code, 1, `CHECK without the jump: ${check.stdout}`);
      ok(w.firewall('ADD', a1, backend, conf), 'ADD again');
      ok(w.firewall('CHECK', a1, backend, conf), 'CHECK after the repair');
      const dump = w.dump(backend);
      const order = backend === 'nftables' ? ['jump admin', 'jump isolation-stage-1', `ip saddr ${a1.v4}`] : ['-A FORWARD -m comment --comment "CNI firewall plugin ingress isolation"', '-A FORWARD -m comment --comment "CNI firewall plugin rules"'];
      const at = order.map((s) => dump.indexOf(s));
      assert.ok(at.every((i, n) => i >= 0 && (n === 0 || i > at[n - 1]!)), `order ${order.join(' < ')}:\n${dump}`);
    });
  });

  t('concurrent ADDs on a fresh host build one skeleton and every rule; concurrent DELs remove them all', async ({ bin }) => {
    const w = new World(bin);
    try {
      const n = 8;
      const conf = (i: number) => ({
        cniVersion: '1.0.0',
        name: 'fwrace',
        type: 'firewall',
        backend,
        ingressPolicy: 'same-bridge',
        prevResult: { cniVersion: '1.0.0', interfaces: [{ name: 'cnirace0' }], ips: [{ address: `10.251.0.${i + 2}/24` }, { address: `fd00:251::${i + 2}/64` }] },
      });
      const ids = Array.from({ length: n }, (_, i) => `race${i}`);
      const adds = await Promise.all(ids.map((id, i) => w.runAsync('firewall', { command: 'ADD', containerId: id, netns: w.host.path, config: conf(i) })));
      adds.forEach((r, i) => ok(r, `ADD ${ids[i]}`));
      const dump = w.dump(backend);
      const count = (s: string) => dump.split('\n').filter((l) => l.includes(s)).length;
      const families = backend === 'nftables' ? 1 : 2;
      assert.is(count('CNI firewall plugin admin overrides'), families, `one admin jump:\n${dump}`);
      assert.is(count('CNI firewall plugin ingress isolation'), families, `one isolation jump:\n${dump}`);
      // Per attachment: 2 rules per address (v4 + v6) and 2 isolation rules per family.
      for (const id of ids) assert.is(count(` ${id} eth0"`), backend === 'nftables' ? 6 : 8, `${id}'s rules:\n${dump}`);
      for (const [i, id] of ids.entries()) ok(w.run('firewall', { command: 'CHECK', containerId: id, netns: w.host.path, config: conf(i) }), `CHECK ${id}`);
      const dels = await Promise.all(ids.map((id) => w.runAsync('firewall', { command: 'DEL', containerId: id, config: { cniVersion: '1.0.0', name: 'fwrace', type: 'firewall', backend } })));
      dels.forEach((r, i) => ok(r, `DEL ${ids[i]}`));
      assert.not.ok(w.dump(backend).includes('cni-firewall fwrace'), w.dump(backend));
    } finally {
      w.cleanup();
    }
  });

  t('GC removes the rules of attachments not in cni.dev/valid-attachments, of its network only', ({ bin }) => {
    withWorld(bin, (w) => {
      const [A, B] = [w.network(), w.network()];
      const a1 = w.container(A, 'a1');
      const a2 = w.container(A, 'a2');
      const b1 = w.container(B, 'b1');
      for (const c of [a1, a2, b1]) ok(w.firewall('ADD', c, backend, { ingressPolicy: 'same-bridge' }), `ADD ${c.containerId}`);
      assert.ok(reaches(a2, a1.v4), 'a2 -> a1 before GC');
      ok(w.gc(backend, A.name, [a1]), 'GC of network A keeping a1');
      const dump = w.dump(backend);
      assert.ok(linesOf(dump, a1).length > 0, `a1 (valid) keeps its rules:\n${dump}`);
      assert.equal(linesOf(dump, a2), [], `a2 (not valid) lost its rules:\n${dump}`);
      assert.ok(linesOf(dump, b1).length > 0, `b1 (other network) keeps its rules:\n${dump}`);
      ok(w.firewall('CHECK', a1, backend, { ingressPolicy: 'same-bridge' }), 'CHECK a1 after GC');
      assert.ok(reaches(a1, a2.v4), 'a1 still gets out (a2 replies as established)');
      assert.ok(blocked(a2, a1.v4), 'a2 has no accept rule any more: its new connections are dropped');
      const noList = w.run('firewall', { command: 'GC', containerId: 'gc', config: { cniVersion: '1.1.0', name: A.name, type: 'firewall', backend } });
      assert.is(noList.code, 1, 'GC without the valid list is refused');
      assert.is(noList.json?.code, 7);
    });
  });
}

const misc = suite<{ bin: CniBinDir }>('firewall (configuration)');
misc.before((ctx) => {
  ctx.bin = new CniBinDir();
});
misc.after((ctx) => ctx.bin?.dispose());

misc('ADD needs a prevResult; firewalld is refused with code 2; STATUS answers', ({ bin }) => {
  const w = new World(bin);
  try {
    const base = { cniVersion: '1.1.0', name: 'fwconf', type: 'firewall' };
    const prevResult = { cniVersion: '1.1.0', interfaces: [{ name: 'cni0' }], ips: [{ address: '10.250.0.5/24', interface: 0 }] };
    const noPrev = w.run('firewall', { command: 'ADD', containerId: 'c1', netns: w.host.path, config: base });
    assert.is(noPrev.json?.code, 7, noPrev.stdout);
    assert.match(noPrev.json?.msg, /missing prevResult/);
    const fwd = w.run('firewall', { command: 'ADD', containerId: 'c1', netns: w.host.path, config: { ...base, backend: 'firewalld', prevResult } });
    assert.is(fwd.json?.code, 2, fwd.stdout);
    assert.match(fwd.json?.msg, /firewalld/);
    assert.match(fwd.json?.details, /"backend": "firewalld"/);
    ok(w.run('firewall', { command: 'DEL', containerId: 'c1', config: { ...base, backend: 'firewalld' } }), 'DEL with firewalld has nothing to remove');
    const bad = w.run('firewall', { command: 'ADD', containerId: 'c1', netns: w.host.path, config: { ...base, ingressPolicy: 'closed', prevResult } });
    assert.is(bad.json?.code, 7, bad.stdout);
    const noBridge = w.run('firewall', { command: 'ADD', containerId: 'c1', netns: w.host.path, config: { ...base, ingressPolicy: 'same-bridge', prevResult: { ...prevResult, interfaces: [] } } });
    assert.match(noBridge.json?.msg ?? '', /chain "firewall" plugin with "bridge"/, noBridge.stdout);
    for (const backend of ['nftables', 'iptables']) ok(w.run('firewall', { command: 'STATUS', containerId: 'x', config: { ...base, backend } }), `STATUS ${backend}`);
    assert.is(w.run('firewall', { command: 'STATUS', containerId: 'x', config: { ...base, backend: 'firewalld' } }).json?.code, 2, 'STATUS firewalld');
    assert.is(w.dump('nftables'), '', 'the refused ADDs created nothing');
  } finally {
    w.cleanup();
  }
});

/**
 * backend absent or "" (what podman writes): iptables when the host filters forwarded traffic with
 * iptables (FORWARD policy DROP, iptables-nft or -legacy), so that the container's traffic is
 * accepted where it is dropped; else nftables.
 */
const auto = suite<{ bin: CniBinDir }>('firewall (backend "": chosen by the host)');
auto.before((ctx) => {
  ctx.bin = new CniBinDir();
});
auto.after((ctx) => ctx.bin?.dispose());

const hostIptables = (w: World, tool: string) => `${w.hostOk(`${tool}-save`, ['-t', 'filter'])}`;

for (const flavour of ['iptables-nft', 'iptables-legacy'] as const) {
  auto(`${flavour} FORWARD policy DROP on the host: the accepts go into iptables and traffic flows; DEL removes them`, ({ bin }) => {
    const w = new World(bin);
    try {
      w.hostOk(flavour, ['-P', 'FORWARD', 'DROP']);
      w.hostOk(flavour.replace('iptables', 'ip6tables'), ['-P', 'FORWARD', 'DROP']);
      const [A, B] = [w.network(), w.network()];
      const a1 = w.container(A, 'a1');
      const b1 = w.container(B, 'b1');
      assert.ok(blocked(a1, b1.v4), 'the host drops forwarded traffic');
      for (const c of [a1, b1]) ok(w.firewall('ADD', c, '' as BackendName), `ADD ${c.containerId} with backend ""`);
      assert.ok(reaches(a1, b1.v4), 'a1 -> b1 through iptables FORWARD DROP');
      assert.ok(reaches(a1, b1.v6), 'a1 -> b1 (IPv6)');
      assert.match(hostIptables(w, flavour), '-A CNI-FORWARD -s ' + a1.v4);
      assert.is(w.dump('nftables'), '', 'no nftables table of ours');
      ok(w.firewall('CHECK', a1, '' as BackendName), 'CHECK');
      for (const c of [a1, b1]) ok(w.firewall('DEL', c, '' as BackendName), `DEL ${c.containerId}`);
      assert.not.match(hostIptables(w, flavour), a1.v4);
      assert.ok(blocked(a1, b1.v4), 'after DEL the host drops again');
    } finally {
      w.cleanup();
    }
  });
}

auto('a host without iptables filtering: nftables, and no iptables table is created', ({ bin }) => {
  const w = new World(bin);
  try {
    const [A, B] = [w.network(), w.network()];
    const a1 = w.container(A, 'a1');
    const b1 = w.container(B, 'b1');
    ok(w.firewall('ADD', a1, '' as BackendName), 'ADD with backend absent');
    assert.match(w.dump('nftables'), a1.v4);
    assert.is(w.hostOk('cat', ['/proc/net/ip_tables_names']).trim(), '', 'no legacy iptables table');
    assert.not.match(w.hostOk('nft', ['list', 'tables']), 'ip filter');
    assert.ok(reaches(a1, b1.v4), 'a1 -> b1');
    ok(w.firewall('DEL', a1, '' as BackendName), 'DEL');
    assert.not.match(w.dump('nftables'), a1.v4);
    assert.not.match(w.hostOk('nft', ['list', 'tables']), 'ip filter', 'DEL started no iptables either');
  } finally {
    w.cleanup();
  }
});

suites.push(misc, auto);
for (const s of suites) s.run();
