/**
 * portmap's nftables backend without a kernel: the transaction ADD sends (as nft commands), the
 * rules of a container found again by their comment, DEL/GC selection, and CHECK's comparison.
 * The same layout is checked against the real `nft list ruleset` in test/integration/portmap.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Transaction, type Nftables, type Rule, type TableRef } from '../../src/netlink/nftables/index.js';
import { parsePortmapConfig } from '../../src/plugins/meta/portmap/config.js';
import { PortmapCheckError } from '../../src/plugins/meta/portmap/errors.js';
import { parsePortMappings } from '../../src/plugins/meta/portmap/mappings.js';
import { NftablesPortMapper } from '../../src/plugins/meta/portmap/nftables/backend.js';
import { dnatRules, masqueradeRules, queueStructure, structureRules, tableRef } from '../../src/plugins/meta/portmap/nftables/layout.js';
import type { ForwardTarget } from '../../src/plugins/meta/portmap/target.js';

const target4: ForwardTarget = {
  family: 4,
  address: { family: 4, ip: '10.88.0.5', network: '10.88.0.0/16' },
  mappings: parsePortMappings([
    { hostPort: 8080, containerPort: 80, protocol: 'tcp' },
    { hostPort: 53, containerPort: 53, protocol: 'udp', hostIP: '192.0.2.1' },
  ]),
};
const target6: ForwardTarget = {
  family: 6,
  address: { family: 6, ip: 'fd00::5', network: 'fd00::/64' },
  mappings: parsePortMappings([{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }]),
};
const owner = { network: 'net', containerId: 'cid' };
const settings = (extra: Record<string, unknown> = {}) => parsePortmapConfig({ cniVersion: '1.1.0', name: 'net', type: 'portmap', ...extra }).settings;

/** An nf_tables connection that lists canned rules and records the transactions it runs. */
class FakeNft {
  readonly ran: Transaction[] = [];
  constructor(private readonly rules: Rule[] = []) {}
  transaction(): Transaction {
    const tx: Transaction = new Transaction(() => {
      this.ran.push(tx);
    });
    return tx;
  }
  listRules(table: TableRef): Rule[] {
    return this.rules.filter((r) => r.table.family === table.family && r.table.name === table.name);
  }
  /** A table (and its chains) exists here when some listed rule is in it. */
  getTable(table: TableRef): TableRef | undefined {
    return this.listRules(table).length ? table : undefined;
  }
  listChains(table: TableRef): { table: TableRef; name: string }[] {
    return [...new Set(this.listRules(table).map((r) => r.chain))].map((name) => ({ table, name }));
  }
  close(): void {}
  [Symbol.dispose](): void {}
  mapper(): NftablesPortMapper {
    return new NftablesPortMapper(() => this as unknown as Nftables);
  }
}

test('the shared structure and the container rules, as nft commands', () => {
  const tx = new Transaction();
  queueStructure(tx, 4, [], true, []);
  for (const r of dnatRules(target4, 'cid')) tx.add(r);
  for (const r of masqueradeRules(target4, 'cid', false)) tx.add(r);
  assert.is(
    tx.toString(),
    [
      'add table ip cni_hostport',
      'add chain ip cni_hostport hostports',
      'add chain ip cni_hostport hostip_hostports',
      'add chain ip cni_hostport hostports_all',
      'flush chain ip cni_hostport hostports_all',
      'add rule ip cni_hostport hostports_all jump hostip_hostports',
      'add rule ip cni_hostport hostports_all jump hostports',
      'add chain ip cni_hostport prerouting { type nat hook prerouting priority dstnat; }',
      'flush chain ip cni_hostport prerouting',
      'add rule ip cni_hostport prerouting fib daddr type local jump hostports_all',
      'add chain ip cni_hostport output { type nat hook output priority -100; }',
      'flush chain ip cni_hostport output',
      'add rule ip cni_hostport output fib daddr type local jump hostports_all',
      'add chain ip cni_hostport masquerading { type nat hook postrouting priority srcnat; }',
      'add rule ip cni_hostport hostports tcp dport 8080 dnat to 10.88.0.5:80 comment "cid"',
      'add rule ip cni_hostport hostports ip daddr 192.0.2.1 udp dport 53 dnat to 10.88.0.5:53 comment "cid"',
      'add rule ip cni_hostport masquerading ip saddr 10.88.0.5 ip daddr 10.88.0.5 masquerade comment "cid"',
      'add rule ip cni_hostport masquerading ip saddr 127.0.0.1 ip daddr 10.88.0.5 masquerade comment "cid"',
    ].join('\n'),
  );
  // Encodable as netlink messages (validation happens here).
  assert.is(tx.messages().length, 18);
});

test('shared chains that already hold the wanted rules are not flushed (no RCU wait in the kernel)', () => {
  const tx = new Transaction();
  queueStructure(tx, 6, [], false, structureRules(6, []).map((r, i) => ({ ...r, handle: i + 1 })));
  assert.not.match(tx.toString(), 'flush');
  assert.not.match(tx.toString(), 'add rule');
  // Other conditions than the listed ones: the entry rules are rewritten.
  const other = new Transaction();
  queueStructure(other, 6, [], false, structureRules(6, []).slice(0, 3));
  assert.equal(other.toString().split('\n').filter((l) => l.startsWith('flush')), ['flush chain ip6 cni_hostport output']);
});

test('masquerade rules: IPv6 has no localhost rule; masqAll matches every source', () => {
  const text = (rs: Rule[]) => rs.map((r) => new Transaction().add(r).toString());
  assert.equal(text(masqueradeRules(target6, 'cid', false)), ['add rule ip6 cni_hostport masquerading ip6 saddr fd00::5 ip6 daddr fd00::5 masquerade comment "cid"']);
  assert.equal(text(masqueradeRules(target4, 'cid', true)), ['add rule ip cni_hostport masquerading ip saddr 0.0.0.0/0 ip daddr 10.88.0.5 masquerade comment "cid"']);
  assert.equal(text(masqueradeRules(target6, 'cid', true)), ['add rule ip6 cni_hostport masquerading ip6 saddr ::/0 ip6 daddr fd00::5 masquerade comment "cid"']);
  assert.equal(text(dnatRules(target6, 'cid')), ['add rule ip6 cni_hostport hostports tcp dport 8080 dnat to [fd00::5]:80 comment "cid"']);
});

const listed = (family: 4 | 6, chain: string, handle: number, comment: string | undefined, from: Rule): Rule => ({ ...from, table: tableRef(family), chain, handle, ...(comment === undefined ? {} : { comment }) });

test('ADD: one batch for both families; a repeated ADD first deletes the container own rules', () => {
  const [tcp] = dnatRules(target4, 'cid');
  const nft = new FakeNft([listed(4, 'hostports', 5, 'cid', tcp!), listed(4, 'hostports', 7, 'other', tcp!), listed(4, 'masquerading', 9, 'cid', tcp!), listed(4, 'prerouting', 2, undefined, tcp!)]);
  nft.mapper().forward(owner, settings({ conditionsV4: ['iifname != "lo"'] }), [target4, target6]);
  assert.is(nft.ran.length, 1, 'one atomic batch');
  const lines = nft.ran[0]!.toString().split('\n');
  assert.ok(lines.includes('delete rule ip cni_hostport hostports handle 5'));
  assert.ok(lines.includes('delete rule ip cni_hostport masquerading handle 9'));
  assert.not.ok(lines.some((l) => l.includes('handle 7') || l.includes('handle 2')), 'other rules are left alone');
  assert.ok(lines.includes('add rule ip cni_hostport prerouting iifname != "lo" fib daddr type local jump hostports_all'), 'conditionsV4 in the IPv4 entry rules');
  assert.ok(lines.includes('add rule ip6 cni_hostport prerouting fib daddr type local jump hostports_all'), 'none in IPv6');
  const inserts = lines.filter((l) => l.startsWith('insert rule'));
  assert.equal(inserts, [
    'insert rule ip cni_hostport hostports ip daddr 192.0.2.1 udp dport 53 dnat to 10.88.0.5:53 comment "cid"',
    'insert rule ip cni_hostport hostports tcp dport 8080 dnat to 10.88.0.5:80 comment "cid"',
    'insert rule ip6 cni_hostport hostports tcp dport 8080 dnat to [fd00::5]:80 comment "cid"',
  ], 'inserted at the top in reverse, so they end up in mapping order ahead of older containers');
});

test('ADD without snat: no masquerading chain or rules', () => {
  const nft = new FakeNft();
  nft.mapper().forward(owner, settings({ snat: false }), [target4]);
  assert.not.match(nft.ran[0]!.toString(), 'masquerad');
});

test('DEL: deletes the container rules of both tables, nothing to do is no batch; GC keeps listed containers', () => {
  const [tcp] = dnatRules(target4, 'cid');
  const rules = [listed(4, 'hostports', 5, 'cid', tcp!), listed(6, 'hostip_hostports', 6, 'cid', tcp!), listed(4, 'hostports', 7, 'other', tcp!), listed(4, 'masquerading', 8, 'gone', tcp!), listed(4, 'prerouting', 2, undefined, tcp!)];
  const nft = new FakeNft(rules);
  nft.mapper().unforward(owner);
  assert.is(nft.ran[0]!.toString(), 'delete rule ip cni_hostport hostports handle 5\ndelete rule ip6 cni_hostport hostip_hostports handle 6');

  const empty = new FakeNft([listed(4, 'hostports', 7, 'other', tcp!)]);
  empty.mapper().unforward(owner);
  assert.is(empty.ran.length, 0, 'nothing of the container: no batch at all');

  const gc = new FakeNft(rules);
  gc.mapper().gc('net', new Set(['cid', 'other']));
  assert.is(gc.ran[0]!.toString(), 'delete rule ip cni_hostport masquerading handle 8');
});

test('CHECK: every rule ADD would add must be listed back', () => {
  const s = settings();
  const want = [...dnatRules(target4, 'cid'), ...masqueradeRules(target4, 'cid', false)];
  const entry = (chain: string): Rule => ({ table: tableRef(4), chain, exprs: [{ type: 'verdict', kind: 'jump', chain: 'hostports_all' }] });
  const complete = new FakeNft([...want.map((r, i) => ({ ...r, handle: 10 + i })), entry('prerouting'), entry('output')]);
  complete.mapper().check(owner, s, [target4]);

  const missing = new FakeNft([...want.slice(1), entry('prerouting'), entry('output')]);
  assert.throws(() => missing.mapper().check(owner, s, [target4]), (e: unknown) => e instanceof PortmapCheckError && /missing hostport rules in "hostports" chain: tcp dport 8080/.test(e.message));

  const noEntry = new FakeNft([...want, entry('prerouting')]);
  assert.throws(() => noEntry.mapper().check(owner, s, [target4]), /missing hostport entry rule in "output" chain/);

  const otherOwner = new FakeNft([...want.map((r) => ({ ...r, comment: 'other' })), entry('prerouting'), entry('output')]);
  assert.throws(() => otherOwner.mapper().check(owner, s, [target4]), (e: unknown) => e instanceof PortmapCheckError);
});

test('ADD sends no table or chain that already exists (re-adding them costs the kernel an RCU grace period)', () => {
  const t4 = { family: 'ip', name: 'cni_hostport' } as const;
  const existing = [...structureRules(4, []), ...masqueradeRules(target4, 'old', false)].map((r, i) => ({ ...r, table: t4, handle: i + 1 }));
  const chains = new Set(['hostports', 'hostip_hostports', 'hostports_all', 'prerouting', 'output', 'masquerading']);
  const tx = new Transaction();
  queueStructure(tx, 4, [], true, existing, chains);
  assert.equal(tx.toString(), '', `nothing to send: ${tx.toString()}`);
  const partial = new Transaction();
  queueStructure(partial, 4, [], true, existing, new Set(['hostports', 'prerouting', 'output', 'hostports_all', 'masquerading']));
  assert.equal(partial.toString(), 'add chain ip cni_hostport hostip_hostports');
});

test.run();
