/**
 * nf_tables through our netlink client in a scratch netns, checked with the real `nft` (which
 * proves `nft list` reads our objects as valid nft syntax): one-transaction setup with comments,
 * listing and decoding back, delete by handle, atomic failure, sets, and the generation check.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isNotFound, NetlinkError } from '../../src/netlink/errors.js';
import * as nf from '../../src/netlink/nftables/index.js';
import { Nftables, NftTransactionError, renderTable, type Chain, type Rule, type Table } from '../../src/netlink/nftables/index.js';
import { makeNetns, type TestNetns } from '../helpers/netns.js';
import { uniqueSuffix } from '../helpers/env.js';

function withNft(fn: (nft: Nftables, ns: TestNetns) => void): void {
  const ns = makeNetns('nft');
  try {
    using nft = Nftables.openIn(ns.path);
    fn(nft, ns);
  } finally {
    ns.remove();
  }
}

const nftList = (ns: TestNetns, ...args: string[]): string => ns.execOk('nft', ['list', ...args]);

/** The cni ipMasq layout: postrouting returns multicast and jumps to per-attachment checks. */
function masqLayout(t: Table): { chains: Chain[]; rules: Rule[] } {
  const post: Chain = { table: t, name: 'postrouting', type: 'nat', hook: 'postrouting', priority: nf.PRIORITY.srcnat };
  const checks: Chain = { table: t, name: 'masq_checks' };
  const rules: Rule[] = [
    { table: t, chain: 'postrouting', exprs: [...nf.ipDaddr('224.0.0.0/4', { nfproto: true }), nf.ret()] },
    { table: t, chain: 'postrouting', exprs: [...nf.ipDaddr('ff00::/8', { nfproto: true }), nf.ret()] },
    { table: t, chain: 'postrouting', exprs: [nf.goTo('masq_checks')] },
    {
      table: t,
      chain: 'masq_checks',
      exprs: [...nf.nfproto('ipv4'), ...nf.ipSaddr('10.1.0.5'), ...nf.ipDaddr('10.1.0.0/24', { neq: true }), ...nf.masquerade()],
      comment: 'net1, if: eth0, id: abc',
    },
    {
      table: t,
      chain: 'masq_checks',
      exprs: [...nf.nfproto('ipv6'), ...nf.ipSaddr('fd00::5'), ...nf.ipDaddr('fd00::/64', { neq: true }), ...nf.masquerade()],
      comment: 'net1, if: eth0, id: abc (v6)',
    },
  ];
  return { chains: [post, checks], rules };
}

test('one transaction creates table, chains and commented rules; nft lists exactly them; listRules decodes them', () => {
  withNft((nft, ns) => {
    const t: Table = { family: 'inet', name: `cni_it_${uniqueSuffix()}` };
    const { chains, rules } = masqLayout(t);
    const fwd: Chain = { table: t, name: 'forward', type: 'filter', hook: 'forward', priority: 0, policy: 'drop' };
    const allowed: Chain = { table: t, name: 'allowed' };
    const fwdRules: Rule[] = [
      { table: t, chain: 'forward', exprs: [...nf.ctState('established', 'related'), nf.accept()] },
      { table: t, chain: 'forward', exprs: [...nf.iifname('veth*'), ...nf.oifname('eth0', { neq: true }), ...nf.dport(8080, 'tcp'), nf.counter(), nf.accept()], comment: 'web' },
      { table: t, chain: 'forward', exprs: [...nf.fibDaddrTypeLocal(), ...nf.setMark(0x2000), nf.jump('allowed')] },
      { table: t, chain: 'forward', exprs: [...nf.markMatch(0x2000, 0x2000), nf.drop()] },
    ];
    const tx = nft.transaction().add(t);
    for (const c of [...chains, fwd, allowed]) tx.add(c);
    for (const r of [...rules, ...fwdRules]) tx.add(r);
    tx.run();

    const expected = [
      `table inet ${t.name} {`,
      '\tchain postrouting {',
      '\t\ttype nat hook postrouting priority srcnat; policy accept;',
      '\t\tip daddr 224.0.0.0/4 return',
      '\t\tip6 daddr ff00::/8 return',
      '\t\tgoto masq_checks',
      '\t}',
      '',
      '\tchain masq_checks {',
      '\t\tip saddr 10.1.0.5 ip daddr != 10.1.0.0/24 masquerade comment "net1, if: eth0, id: abc"',
      '\t\tip6 saddr fd00::5 ip6 daddr != fd00::/64 masquerade comment "net1, if: eth0, id: abc (v6)"',
      '\t}',
      '',
      '\tchain forward {',
      '\t\ttype filter hook forward priority filter; policy drop;',
      '\t\tct state established,related accept',
      '\t\tiifname "veth*" oifname != "eth0" tcp dport 8080 counter packets 0 bytes 0 accept comment "web"',
      '\t\tfib daddr type local meta mark set 0x00002000 jump allowed',
      '\t\tmeta mark & 0x00002000 == 0x00002000 drop',
      '\t}',
      '',
      '\tchain allowed {',
      '\t}',
      '}',
      '',
    ].join('\n');
    assert.fixture(nftList(ns, 'table', 'inet', t.name), expected);

    // Our own view of the kernel state renders to the same text.
    const dumped = nft.dumpTable(t);
    assert.ok(dumped);
    assert.fixture(renderTable(dumped!), expected);

    // Rules decode back: comment, handle and the very expressions we sent (counters now read 0).
    const listed = nft.listRules(t, 'masq_checks');
    assert.equal(listed.map((r) => r.comment), ['net1, if: eth0, id: abc', 'net1, if: eth0, id: abc (v6)']);
    assert.equal(listed.map((r) => r.exprs), rules.slice(3).map((r) => r.exprs));
    assert.ok(listed.every((r) => typeof r.handle === 'number' && r.handle > 0));
    const web = nft.listRules(t, 'forward')[1]!;
    assert.equal(web.exprs, fwdRules[1]!.exprs.map((e) => (e.type === 'counter' ? { type: 'counter', bytes: 0, packets: 0 } : e)));

    assert.equal(nft.listChains(t).map((c) => [c.name, c.type, c.hook, c.priority, c.policy]), [
      ['postrouting', 'nat', 'postrouting', 100, 'accept'],
      ['masq_checks', undefined, undefined, undefined, undefined],
      ['forward', 'filter', 'forward', 0, 'drop'],
      ['allowed', undefined, undefined, undefined, undefined],
    ]);
    assert.ok(nft.listTables('inet').some((x) => x.name === t.name));
    assert.not.ok(nft.listTables('ip').some((x) => x.name === t.name));

    // Delete by handle: only that rule goes.
    nft.transaction().delete(listed[0]!).run();
    const after = nftList(ns, 'chain', 'inet', t.name, 'masq_checks');
    assert.not.match(after, 'id: abc"');
    assert.match(after, 'id: abc (v6)"');

    // add of existing table/chain is a no-op; create fails with EEXIST naming the message.
    nft.transaction().add(t).add(chains[1]!).run();
    assert.throws(
      () => nft.transaction().create(chains[1]!).run(),
      (e: unknown) => e instanceof NftTransactionError && e.code === 'EEXIST' && e.message.startsWith(`create chain inet ${t.name} masq_checks: EEXIST`),
    );

    // insert goes first, flush empties the chain, delete table removes everything.
    nft.transaction().insert({ table: t, chain: 'masq_checks', exprs: [nf.accept()], comment: 'first' }).run();
    assert.is(nft.listRules(t, 'masq_checks')[0]!.comment, 'first');
    nft.transaction().flush(chains[1]!).run();
    assert.equal(nft.listRules(t, 'masq_checks'), []);
    nft.transaction().delete(t).run();
    assert.is(nft.getTable(t), undefined);
    assert.equal(nft.listRules(t), []);
  });
});

test('table and chain comments: nft lists ours, we decode and render nft\'s', () => {
  withNft((nft, ns) => {
    const t: Table = { family: 'inet', name: `cni_cmt_${uniqueSuffix()}`, comment: 'Masquerading for plugins from github.com/containernetworking/plugins' };
    const checks: Chain = { table: t, name: 'masq_checks', comment: 'Masquerade traffic from certain IPs to any (non-multicast) IP outside their subnet' };
    const post: Chain = { table: t, name: 'postrouting', type: 'nat', hook: 'postrouting', priority: nf.PRIORITY.srcnat, comment: 'base chain' };
    nft.transaction().add(t).add(checks).add(post).add({ table: t, chain: 'postrouting', exprs: [nf.goTo('masq_checks')] }).run();
    const expected = [
      `table inet ${t.name} {`,
      `\tcomment "${t.comment}"`,
      '\tchain masq_checks {',
      `\t\tcomment "${checks.comment}"`,
      '\t}',
      '',
      '\tchain postrouting {',
      '\t\tcomment "base chain"',
      '\t\ttype nat hook postrouting priority srcnat; policy accept;',
      '\t\tgoto masq_checks',
      '\t}',
      '}',
      '',
    ].join('\n');
    assert.fixture(nftList(ns, 'table', 'inet', t.name), expected);
    assert.fixture(renderTable(nft.dumpTable(t)!), expected);
    assert.is(nft.getTable(t)!.comment, t.comment);
    assert.equal(nft.listChains(t).map((c) => [c.name, c.comment]), [['masq_checks', checks.comment], ['postrouting', 'base chain']]);

    // Made by nft itself (with flags), read back by us.
    const other = `cni_cmt2_${uniqueSuffix()}`;
    ns.execOk('nft', [`add table ip ${other} { flags dormant; comment "from nft"; }`]);
    ns.execOk('nft', [`add chain ip ${other} c { comment "chain from nft"; }`]);
    const ref = { family: 'ip' as const, name: other };
    assert.equal(nft.getTable(ref)?.comment, 'from nft');
    assert.equal(nft.listChains(ref)[0]?.comment, 'chain from nft');
    assert.fixture(renderTable(nft.dumpTable(ref)!), nftList(ns, 'table', 'ip', other));
  });
});

test('ether matches in bridge and netdev tables: our rendering equals nft list, for our rules and nft\'s', () => {
  withNft((nft, ns) => {
    for (const family of ['bridge', 'netdev'] as const) {
      const t: Table = { family, name: `cni_eth_${uniqueSuffix()}` };
      const mac: nf.Expr[] = [
        { type: 'payload', base: 'link', offset: 6, len: 6, dreg: nf.NFT_REG.R1 },
        { type: 'cmp', op: 'eq', sreg: nf.NFT_REG.R1, data: Buffer.from('020000001234', 'hex') },
      ];
      const iiftype: nf.Expr[] = [
        { type: 'meta', key: 'iiftype', dreg: nf.NFT_REG.R1 },
        { type: 'cmp', op: 'eq', sreg: nf.NFT_REG.R1, data: Buffer.from([1, 0]) },
      ];
      nft
        .transaction()
        .add(t)
        .add({ table: t, name: 'c' })
        .add({ table: t, chain: 'c', exprs: [...(family === 'netdev' ? iiftype : []), ...mac, nf.ret()], comment: 'macspoofchk-x' })
        .run();
      for (const rule of ['ether daddr != aa:bb:cc:dd:ee:ff drop', 'ether type vlan accept', 'ether saddr 02:00:00:00:12:34 ether type ip accept', 'ether saddr 02:00:00:00:12:34 ip saddr 1.2.3.4 accept', 'ip6 daddr fd00::1 accept', 'ether saddr & ff:ff:ff:00:00:00 == 02:00:00:00:00:00 accept']) {
        ns.execOk('nft', ['add', 'rule', family, t.name, 'c', ...rule.split(' ')]);
      }
      const listed = nftList(ns, 'table', family, t.name);
      assert.match(listed, 'ether saddr 02:00:00:00:12:34 return comment "macspoofchk-x"');
      assert.fixture(renderTable(nft.dumpTable(t)!), listed);
    }
  });
});

test('an invalid batch fails atomically and names the failing message', () => {
  withNft((nft, ns) => {
    const t: Table = { family: 'inet', name: `cni_bad_${uniqueSuffix()}` };
    const ok: Chain = { table: t, name: 'postrouting', type: 'nat', hook: 'postrouting' };
    let err: unknown;
    try {
      nft
        .transaction()
        .add(t)
        .add(ok)
        .add({ table: t, chain: 'postrouting', exprs: [nf.accept()] })
        .add({ table: t, chain: 'missing', exprs: [nf.accept()], comment: 'never' })
        .run();
    } catch (e) {
      err = e;
    }
    assert.instance(err, NftTransactionError);
    const e = err as NftTransactionError;
    assert.match(e.message, new RegExp(`^add rule inet ${t.name} missing: ENOENT \\(`));
    assert.is(e.failures[0]!.index, 3);
    assert.ok(isNotFound(e));
    // nothing of the batch exists: not the table, not the chain
    assert.is(nft.getTable(t), undefined);
    assert.not.match(ns.execOk('nft', ['list', 'ruleset']), t.name);
  });
});

test('sets: interval and plain sets with elements, lookups, element add/delete, listSets', () => {
  withNft((nft, ns) => {
    const t: Table = { family: 'ip', name: `cni_set_${uniqueSuffix()}` };
    const nets: nf.NftSet = { table: t, name: 'nets', keyType: 'ipv4_addr', flags: ['interval'], elements: ['10.0.0.0/8', '192.168.1.1', '172.16.0.1-172.16.0.9'] };
    const ports: nf.NftSet = { table: t, name: 'ports', keyType: 'inet_service', elements: ['80', '443'] };
    const c: Chain = { table: t, name: 'input', type: 'filter', hook: 'input' };
    nft
      .transaction()
      .add(t)
      .add(nets)
      .add(ports)
      .add(c)
      .add({ table: t, chain: 'input', exprs: [...nf.addrInSet('saddr', 'ipv4', 'nets', { neq: true }), nf.drop()] })
      .run();
    const text = nftList(ns, 'table', 'ip', t.name);
    assert.match(text, 'elements = { 10.0.0.0/8, 172.16.0.1-172.16.0.9,\n\t\t\t     192.168.1.1 }');
    assert.match(text, 'elements = { 80, 443 }');
    assert.match(text, 'ip saddr != @nets drop');

    nft.transaction().add({ set: ports, elements: ['8080'] }).delete({ set: ports, elements: ['80'] }).run();
    const sets = nft.listSets(t);
    assert.equal(sets.map((s) => [s.name, s.keyType, s.flags, [...(s.elements ?? [])].sort()]), [
      ['nets', 'ipv4_addr', ['interval'], ['10.0.0.0/8', '172.16.0.1-172.16.0.9', '192.168.1.1']],
      ['ports', 'inet_service', undefined, ['443', '8080']],
    ]);
    nft.transaction().flush(ports).run();
    assert.is(nft.listSets(t)[1]!.elements, undefined);
  });
});

test('genId: a transaction with a stale generation fails with ERESTART and changes nothing', () => {
  withNft((nft, ns) => {
    const t: Table = { family: 'ip', name: `cni_gen_${uniqueSuffix()}` };
    const gen = nft.genId();
    ns.execOk('nft', ['add', 'table', 'ip', `other_${t.name}`]); // someone else changes the ruleset
    assert.throws(() => nft.transaction().add(t).run({ genId: gen }), (e: unknown) => e instanceof NetlinkError && e.code === 'ERESTART');
    assert.is(nft.getTable(t), undefined);
    nft.transaction().add(t).run({ genId: nft.genId() });
    assert.ok(nft.getTable(t));
  });
});

test('a large batch: every ACK of 2000 messages is collected', () => {
  withNft((nft) => {
    const t: Table = { family: 'ip', name: `cni_big_${uniqueSuffix()}` };
    const tx = nft.transaction().add(t).add({ table: t, name: 'c' });
    for (let i = 0; i < 1998; i++) tx.add({ table: t, chain: 'c', exprs: [...nf.dport(1000 + i, 'tcp'), nf.accept()], comment: `r${i}` });
    tx.run();
    const rules = nft.listRules(t, 'c');
    assert.is(rules.length, 1998);
    assert.is(rules[1997]!.comment, 'r1997');
  });
});

test.run();
