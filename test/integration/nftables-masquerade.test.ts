/**
 * Masquerade really rewrites traffic: client (10.77.1.2) -> router -> peer (10.77.2.2). The peer
 * has no route back to 10.77.1.0/24, so a reply arrives only if the router masqueraded the
 * source to its own 10.77.2.1. The peer runs a one-shot socat UDP responder that answers with
 * the source address it saw ($SOCAT_PEERADDR); the client prints the answer. Traffic stays
 * between the three test namespaces. Needs socat (Debian package "socat").
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import * as nf from '../../src/netlink/nftables/index.js';
import { Nftables, type Table } from '../../src/netlink/nftables/index.js';
import { makeNetns, type TestNetns } from '../helpers/netns.js';
import { sh } from '../helpers/sh.js';
import { uniqueSuffix } from '../helpers/env.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ip = (ns: TestNetns, ...args: string[]) => ns.execOk('ip', args);

/** Ask the peer (through the router) which source address it sees; '' when nothing came back. */
async function sourceSeenByPeer(client: TestNetns, peer: TestNetns): Promise<string> {
  const listener = spawn('ip', ['netns', 'exec', peer.name, 'socat', '-T', '3', 'UDP-RECVFROM:7777', 'SYSTEM:echo "$SOCAT_PEERADDR"'], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 50 && !/:7777\b/.test(peer.exec('ss', ['-uln']).stdout); i++) await sleep(50);
    const r = sh('ip', ['netns', 'exec', client.name, 'socat', '-T', '2', '-', 'UDP:10.77.2.2:7777'], { input: 'who am i\n' });
    return r.stdout.trim();
  } finally {
    listener.kill();
    await new Promise((r) => (listener.exitCode !== null || listener.signalCode !== null ? r(null) : listener.once('exit', r)));
  }
}

test('a masquerade rule added over netlink rewrites the source of forwarded traffic', async () => {
  const client = makeNetns('nmc');
  const router = makeNetns('nmr');
  const peer = makeNetns('nmp');
  try {
    ip(client, 'link', 'add', 'c0', 'type', 'veth', 'peer', 'name', 'r0', 'netns', router.name);
    ip(peer, 'link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'r1', 'netns', router.name);
    ip(client, 'addr', 'add', '10.77.1.2/24', 'dev', 'c0');
    ip(router, 'addr', 'add', '10.77.1.1/24', 'dev', 'r0');
    ip(router, 'addr', 'add', '10.77.2.1/24', 'dev', 'r1');
    ip(peer, 'addr', 'add', '10.77.2.2/24', 'dev', 'p0');
    for (const [ns, dev] of [[client, 'c0'], [router, 'r0'], [router, 'r1'], [peer, 'p0']] as const) ip(ns, 'link', 'set', dev, 'up');
    ip(client, 'link', 'set', 'lo', 'up');
    ip(peer, 'link', 'set', 'lo', 'up');
    ip(client, 'route', 'add', 'default', 'via', '10.77.1.1');
    router.execOk('sysctl', ['-qw', 'net.ipv4.ip_forward=1']);

    // Without masquerade the peer cannot answer (no route back to 10.77.1.0/24).
    assert.is(await sourceSeenByPeer(client, peer), '', 'no reply without masquerade');

    const t: Table = { family: 'inet', name: `cni_masq_${uniqueSuffix()}` };
    {
      using nft = Nftables.openIn(router.path);
      nft
        .transaction()
        .add(t)
        .add({ table: t, name: 'postrouting', type: 'nat', hook: 'postrouting' })
        .add({
          table: t,
          chain: 'postrouting',
          exprs: [...nf.nfproto('ipv4'), ...nf.ipSaddr('10.77.1.2'), ...nf.ipDaddr('10.77.1.0/24', { neq: true }), ...nf.masquerade()],
          comment: 'test masquerade',
        })
        .run();
    }
    assert.is(await sourceSeenByPeer(client, peer), '10.77.2.1', 'the peer sees the router address');
    assert.match(router.execOk('nft', ['list', 'table', 'inet', t.name]), 'ip saddr 10.77.1.2 ip daddr != 10.77.1.0/24 masquerade comment "test masquerade"');
  } finally {
    for (const ns of [client, router, peer]) ns.remove();
  }
});

test.run();
