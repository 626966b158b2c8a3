/** firewall's nftables plans, printed as nft commands by Transaction.toString(). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Transaction, type Rule } from '../../src/netlink/nftables/index.js';
import { adminJump, isolationJump, ownerRules } from '../../src/plugins/meta/firewall/nft-layout.js';
import { missingObjects, planAdd, planRemove, type NftState } from '../../src/plugins/meta/firewall/nft-plan.js';
import type { AttachmentRules } from '../../src/plugins/meta/firewall/attachment.js';

const T = 'inet cni_plugins_firewall';
const C = 'comment "cni-firewall net c1 eth0"';
const rules = (policy: AttachmentRules['ingressPolicy'] = 'open'): AttachmentRules => ({
  owner: { network: 'net', containerId: 'c1', ifName: 'eth0' },
  addresses: [
    { family: 4, address: '10.0.0.5' },
    { family: 6, address: 'fd00::5' },
  ],
  ingressPolicy: policy,
  ...(policy === 'open' ? {} : { bridge: 'cni0' }),
});
const EMPTY: NftState = { tableExists: false, chains: new Set(), rules: [] };
const ALL_CHAINS = new Set(['forward', 'admin', 'isolation-stage-1', 'isolation-stage-2']);
const text = (plan: (tx: Transaction) => void): string[] => {
  const tx = new Transaction();
  plan(tx);
  return tx.toString().split('\n').filter(Boolean);
};
/** What listRules would return after a plan: the rules with handles. */
const listed = (rs: Rule[], from = 10): Rule[] => rs.map((r, i) => ({ ...r, handle: from + i }));

test('first ADD: table, chains (forward without a policy), admin jump then isolation jump, the rules', () => {
  assert.equal(text((tx) => planAdd(tx, EMPTY, rules('isolated'))), [
    `add table ${T}`,
    `add chain ${T} forward { type filter hook forward priority filter; }`,
    `add chain ${T} admin`,
    `add chain ${T} isolation-stage-1`,
    `add chain ${T} isolation-stage-2`,
    `insert rule ${T} forward jump isolation-stage-1 comment "CNI firewall plugin ingress isolation"`,
    `insert rule ${T} forward jump admin comment "CNI firewall plugin admin overrides"`,
    `add rule ${T} isolation-stage-1 iifname "cni0" oifname != "cni0" jump isolation-stage-2 ${C}`,
    `add rule ${T} isolation-stage-1 iifname "cni0" oifname "cni0" drop ${C}`,
    `add rule ${T} isolation-stage-2 oifname "cni0" drop ${C}`,
    `add rule ${T} forward ip daddr 10.0.0.5 ct state established,related accept ${C}`,
    `add rule ${T} forward ip saddr 10.0.0.5 accept ${C}`,
    `add rule ${T} forward ip6 daddr fd00::5 ct state established,related accept ${C}`,
    `add rule ${T} forward ip6 saddr fd00::5 accept ${C}`,
  ]);
});

test('open adds no isolation rules', () => {
  assert.not.ok(text((tx) => planAdd(tx, EMPTY, rules('open'))).some((l) => l.includes('cni0')));
});

test('ADD into an existing table: no table, chain or jump again; the owner\'s old rules are deleted', () => {
  const old = listed([adminJump(), isolationJump(), ...ownerRules(rules('same-bridge'))]);
  const other = listed(ownerRules({ ...rules(), owner: { network: 'net', containerId: 'c2', ifName: 'eth0' } }), 50);
  const lines = text((tx) => planAdd(tx, { tableExists: true, chains: ALL_CHAINS, rules: [...old, ...other] }, rules('open')));
  assert.equal(lines.filter((l) => l.startsWith('delete')), old.slice(2).map((r) => `delete rule ${T} ${r.chain} handle ${r.handle}`));
  assert.not.ok(lines.some((l) => /^(add|insert) (table|chain)|jump admin|jump isolation-stage-1/.test(l)), lines.join('\n'));
  assert.is(lines.filter((l) => l.startsWith('add rule')).length, 4);
});

test('a missing isolation jump is added after the admin jump (by position); a missing admin jump is inserted at the head', () => {
  const adminOnly = listed([adminJump()], 7);
  const lines = text((tx) => planAdd(tx, { tableExists: true, chains: ALL_CHAINS, rules: adminOnly }, rules()));
  assert.ok(lines.includes(`add rule ${T} forward jump isolation-stage-1 comment "CNI firewall plugin ingress isolation"`), lines.join('\n'));
  assert.not.ok(lines.some((l) => l.includes('jump admin')));
  const isoOnly = listed([isolationJump()], 7);
  const lines2 = text((tx) => planAdd(tx, { tableExists: true, chains: ALL_CHAINS, rules: isoOnly }, rules()));
  assert.ok(lines2.includes(`insert rule ${T} forward jump admin comment "CNI firewall plugin admin overrides"`), lines2.join('\n'));
  assert.not.ok(lines2.some((l) => l.includes('jump isolation-stage-1')));
});

test('planRemove deletes by handle only what the test accepts', () => {
  const mine = listed(ownerRules(rules('isolated')));
  const state: NftState = { tableExists: true, chains: ALL_CHAINS, rules: [...listed([adminJump(), isolationJump()], 1), ...mine] };
  assert.equal(text((tx) => planRemove(tx, state, (c) => c === 'cni-firewall net c1 eth0')), mine.map((r) => `delete rule ${T} ${r.chain} handle ${r.handle}`));
  assert.equal(text((tx) => planRemove(tx, state, () => false)), []);
});

test('missingObjects: what CHECK reports', () => {
  assert.equal(missingObjects(EMPTY, rules()), [`table ${T}`]);
  const all = listed([adminJump(), isolationJump(), ...ownerRules(rules('same-bridge'))]);
  assert.equal(missingObjects({ tableExists: true, chains: ALL_CHAINS, rules: all }, rules('same-bridge')), []);
  assert.equal(missingObjects({ tableExists: true, chains: new Set(['forward']), rules: all }, rules('same-bridge')), ['chain admin', 'chain isolation-stage-1', 'chain isolation-stage-2']);
  assert.equal(missingObjects({ tableExists: true, chains: ALL_CHAINS, rules: all.slice(0, -1) }, rules('same-bridge')), [`rule ip6 saddr fd00::5 accept ${C} in chain forward`]);
});

test.run();
