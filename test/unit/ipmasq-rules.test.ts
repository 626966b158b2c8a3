import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { iptablesChainName, iptablesComment, nftComment, nftInstanceHash, nftNetworkHash, parseIpMasqBackend, resolveBackend } from '../../src/lib/ipmasq/index.js';
import { goQuote, parseIptablesComment } from '../../src/lib/ipmasq/names.js';
import { MASQ_CHECKS, MASQ_CHECKS_COMMENT, MASQ_TABLE, MASQ_TABLE_COMMENT, masqRule, postroutingRules } from '../../src/lib/ipmasq/nftables-backend.js';
import { savedComment, setupLines, staleIptablesChains } from '../../src/lib/ipmasq/iptables-backend.js';
import { parseAddresses } from '../../src/lib/ipmasq/addresses.js';
import { parseIptablesSave } from '../../src/lib/iptables/index.js';
import { renderRuleBody } from '../../src/netlink/nftables/index.js';
import { CniError } from '../../src/spec/errors.js';

test('iptables chain names match the reference test vectors (pkg/utils FormatChainName)', () => {
  assert.is(iptablesChainName('test', '1234'), 'CNI-2bbe0c48b91a7d1b8a6753a8');
  assert.is(iptablesChainName('testalongnamethatdoesnotmakesense', '1234'), 'CNI-374f33fe84ab0ed84dcdebe3');
  assert.is(iptablesChainName('x', 'y').length, 28);
});

test('iptables comment is Go %q quoted and parses back', () => {
  assert.is(iptablesComment('mynet', 'ctr1'), 'name: "mynet" id: "ctr1"');
  assert.is(iptablesComment('a"b', 'c\\d'), 'name: "a\\"b" id: "c\\\\d"');
  assert.is(goQuote('a\x01b\x7f'), '"a\\x01b\\x7f"');
  assert.equal(parseIptablesComment('name: "a\\"b" id: "c\\\\d"'), { network: 'a"b', containerId: 'c\\d' });
  assert.is(parseIptablesComment('something else'), undefined);
});

test('nftables comments match the reference test vectors (pkg/ip ipmasq_nftables_linux_test.go)', () => {
  assert.is(nftComment({ network: 'unit-test', ifName: 'eth0', containerId: 'one' }), '6fd94d501e58f0aa-287fc69eff0574a2, net: unit-test, if: eth0, id: one');
  assert.is(nftComment({ network: 'unit-test', ifName: 'eth0', containerId: 'four' }), '6fd94d501e58f0aa-e766de567ef6c543, net: unit-test, if: eth0, id: four');
  assert.is(nftComment({ network: 'alternate', ifName: 'net1', containerId: 'three' }), '82783ef24bdc7036-acb19d111858e348, net: alternate, if: net1, id: three');
  assert.is(nftNetworkHash('unit-test'), '6fd94d501e58f0aa');
  assert.is(nftInstanceHash({ network: 'unit-test', ifName: 'eth0', containerId: 'two' }), '6fd94d501e58f0aa-d750b2c8f0f25d5f');
  // double quotes dropped, cut at 128 bytes
  assert.not.match(nftComment({ network: 'n"q', ifName: 'eth0', containerId: 'x' }), '"');
  assert.is(Buffer.byteLength(nftComment({ network: 'n', ifName: 'eth0', containerId: 'x'.repeat(300) })), 128);
});

test('nftables rules render as the reference writes them', () => {
  const [v4, v6] = parseAddresses([{ address: '192.168.1.1/24' }, { address: 'fd00:1::5/64' }]);
  assert.is(renderRuleBody(masqRule(v4!, 'c')), 'ip saddr 192.168.1.1 ip daddr != 192.168.1.0/24 masquerade comment "c"');
  assert.is(renderRuleBody(masqRule(v6!, 'c')), 'ip6 saddr fd00:1::5 ip6 daddr != fd00:1::/64 masquerade comment "c"');
  assert.equal(postroutingRules().map(renderRuleBody), ['ip daddr 224.0.0.0/4 return', 'ip6 daddr ff00::/8 return', 'goto masq_checks']);
});

test('table and masq_checks chain carry the reference comments', () => {
  assert.is(MASQ_TABLE_COMMENT, 'Masquerading for plugins from github.com/containernetworking/plugins');
  assert.is(MASQ_CHECKS_COMMENT, 'Masquerade traffic from certain IPs to any (non-multicast) IP outside their subnet');
  assert.equal(MASQ_TABLE, { family: 'inet', name: 'cni_plugins_masquerade' });
  assert.is(MASQ_CHECKS, 'masq_checks');
});

test('addresses: subnet from the host address, invalid text refused', () => {
  assert.equal(parseAddresses([{ address: '10.1.2.3/16' }]), [{ family: 4, ip: '10.1.2.3', subnet: '10.1.0.0/16' }]);
  assert.throws(() => parseAddresses([{ address: '10.1.2.3' }]), /invalid container address/);
});

test('ipMasqBackend: nftables, iptables or absent; anything else is code 7', () => {
  assert.is(parseIpMasqBackend(undefined), undefined);
  assert.is(parseIpMasqBackend(''), undefined);
  assert.is(parseIpMasqBackend('iptables'), 'iptables');
  assert.is(resolveBackend('iptables'), 'iptables');
  assert.is(resolveBackend('nftables'), 'nftables');
  try {
    parseIpMasqBackend('firewalld');
    assert.unreachable();
  } catch (err) {
    assert.instance(err, CniError);
    assert.is((err as CniError).code, 7);
  }
});

const C = '-m comment --comment "name: \\"net\\" id: \\"c1\\""';
const CHAIN = iptablesChainName('net', 'c1');

test('iptables setup adds only what is missing: ACCEPTs inserted first, MASQUERADE appended, one jump per address', () => {
  const empty = parseIptablesSave('*nat\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n', 'nat');
  const rules = {
    chain: CHAIN,
    accepts: [`-A ${CHAIN} -d 10.0.0.0/24 ${C} -j ACCEPT`],
    masquerade: `-A ${CHAIN} ! -d 224.0.0.0/4 ${C} -j MASQUERADE`,
    jumps: [`-A POSTROUTING -s 10.0.0.2/32 ${C} -j ${CHAIN}`],
  };
  assert.equal(setupLines(rules, empty), [`-I ${CHAIN} 1 -d 10.0.0.0/24 ${C} -j ACCEPT`, rules.masquerade, rules.jumps[0]]);
  const full = parseIptablesSave(`*nat\n:POSTROUTING ACCEPT [0:0]\n:${CHAIN} - [0:0]\n${rules.jumps[0]}\n${rules.accepts[0]}\n${rules.masquerade}\nCOMMIT\n`, 'nat');
  assert.equal(setupLines(rules, full), []);
});

test('iptables GC maps chains back to attachments through their comment', () => {
  const other = iptablesChainName('net', 'c2');
  const foreign = iptablesChainName('othernet', 'c3');
  const comment = (net: string, id: string) => `-m comment --comment "name: \\"${net}\\" id: \\"${id}\\""`;
  const saved = parseIptablesSave(
    [
      '*nat',
      `:${CHAIN} - [0:0]`,
      `:${other} - [0:0]`,
      `:${foreign} - [0:0]`,
      ':CNI-DN-0123456789abcdef01234 - [0:0]',
      `-A ${CHAIN} -d 10.0.0.0/24 ${comment('net', 'c1')} -j ACCEPT`,
      `-A ${other} -d 10.0.0.0/24 ${comment('net', 'c2')} -j ACCEPT`,
      `-A ${foreign} -d 10.0.0.0/24 ${comment('othernet', 'c3')} -j ACCEPT`,
      'COMMIT',
    ].join('\n'),
    'nat',
  );
  assert.equal(staleIptablesChains(saved, 'net', [{ containerID: 'c1', ifname: 'eth0' }]), [other]);
  assert.equal(staleIptablesChains(saved, 'net', [{ containerID: 'c1', ifname: 'eth1' }, { containerID: 'c2', ifname: 'eth0' }]), []);
  assert.equal(staleIptablesChains(saved, 'othernet', []), [foreign]);
  assert.is(savedComment(`-A X ${comment('a', 'b')} -j ACCEPT`), 'name: "a" id: "b"');
});

test.run();
