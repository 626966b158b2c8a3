/** firewall owner comments and the attachment spec derived from a prevResult. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { networkCommentPrefix, ownerComment, staleOwnerTest } from '../../src/plugins/meta/firewall/owner.js';
import { attachmentRules } from '../../src/plugins/meta/firewall/attachment.js';
import { CniError } from '../../src/spec/errors.js';

test('plain names are kept: "cni-firewall NET ID IF"', () => {
  assert.is(ownerComment({ network: 'mynet', containerId: 'abc123', ifName: 'eth0' }), 'cni-firewall mynet abc123 eth0');
  assert.ok(ownerComment({ network: 'mynet', containerId: 'abc123', ifName: 'eth0' }).startsWith(networkCommentPrefix('mynet')));
});

test('long or unusual parts are hashed, and every comment fits nft (128 bytes) without blanks in parts', () => {
  const id64 = 'f'.repeat(64);
  const worst = ownerComment({ network: 'n'.repeat(32), containerId: id64, ifName: 'e'.repeat(15) });
  assert.is(worst, `cni-firewall ${'n'.repeat(32)} ${id64} ${'e'.repeat(15)}`);
  assert.ok(Buffer.byteLength(worst) <= 127, `${worst.length}`);
  const hashed = ownerComment({ network: 'n'.repeat(200), containerId: 'x'.repeat(300), ifName: 'eth 0"' });
  assert.match(hashed, /^cni-firewall sha256:[0-9a-f]{24} sha256:[0-9a-f]{32} sha256:[0-9a-f]{8}$/);
  assert.is.not(ownerComment({ network: 'n', containerId: 'x'.repeat(65), ifName: 'e' }), ownerComment({ network: 'n', containerId: 'y'.repeat(65), ifName: 'e' }));
});

test('a network name cannot pose as the prefix of another network', () => {
  // "a" and "a b" would collide on a bare prefix; names with blanks are hashed, so they cannot.
  assert.not.ok(ownerComment({ network: 'a b', containerId: 'c', ifName: 'e' }).startsWith(networkCommentPrefix('a')));
});

test('staleOwnerTest: only comments of the network that are not kept', () => {
  const stale = staleOwnerTest('net', [{ network: 'net', containerId: 'keep', ifName: 'eth0' }]);
  assert.ok(stale('cni-firewall net gone eth0'));
  assert.ok(stale('cni-firewall net keep eth1'), 'another interface of a kept container');
  assert.not.ok(stale('cni-firewall net keep eth0'));
  assert.not.ok(stale('cni-firewall other gone eth0'), 'another network');
  assert.not.ok(stale('cni-firewall network2 gone eth0'), 'a network whose name starts the same');
  assert.not.ok(stale('CNI firewall plugin rules'));
  assert.not.ok(stale(undefined));
});

const owner = { network: 'n', containerId: 'c', ifName: 'eth0' };
const prev = {
  cniVersion: '1.1.0',
  interfaces: [{ name: 'cni0' }, { name: 'veth1' }, { name: 'eth0', sandbox: '/run/netns/x' }],
  ips: [
    { interface: 2, address: '10.22.0.5/16' },
    { interface: 2, address: 'fd00:0:0::5/64' },
    { interface: 2, address: '10.22.0.5/24' },
  ],
};

test('attachmentRules: every address as a canonical host address, once; the bridge for isolating policies', () => {
  const open = attachmentRules(owner, prev, 'open');
  assert.equal(open.addresses, [
    { family: 4, address: '10.22.0.5' },
    { family: 6, address: 'fd00::5' },
  ]);
  assert.is(open.bridge, undefined);
  assert.is(attachmentRules(owner, prev, 'same-bridge').bridge, 'cni0');
});

test('attachmentRules: the reference errors without prevResult or interfaces', () => {
  const msg = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      assert.instance(err, CniError);
      return (err as Error).message;
    }
    return '';
  };
  assert.match(msg(() => attachmentRules(owner, undefined, 'open')), 'missing prevResult from earlier plugin');
  assert.match(msg(() => attachmentRules(owner, { ...prev, interfaces: [] }, 'isolated')), 'interface needs to be set for ingress policy "isolated"');
  assert.match(msg(() => attachmentRules(owner, { ...prev, interfaces: [{ name: 'bad name' }] }, 'isolated')), 'invalid bridge name');
  assert.match(msg(() => attachmentRules(owner, { ...prev, ips: [{ address: 'nonsense' }] }, 'open')), 'invalid address');
});

test.run();
