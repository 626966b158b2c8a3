/**
 * Stale UDP conntrack entries: the ctnetlink client deletes exactly the entries a filter selects
 * (checked with `conntrack -L`), and portmap ADD deletes the entries of its UDP host ports, so a
 * client that was sending to the port before the mapping existed reaches the container instead
 * of being black-holed by its old entry. Needs root, socat and conntrack (Debian "conntrack").
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Conntrack, IPPROTO } from '../../src/netlink/conntrack/index.js';
import { CniBinDir } from '../helpers/cni.js';
import { isRoot } from '../helpers/env.js';
import { makeNetns } from '../helpers/netns.js';
import { sh } from '../helpers/sh.js';
import { PortmapWorld, portBase } from '../helpers/portmap-world.js';

let bin: CniBinDir;

test.before(() => {
  if (!isRoot()) throw new Error('conntrack integration tests need root');
  if (sh('sh', ['-c', 'command -v conntrack']).code !== 0) throw new Error('conntrack is not installed (apt-get install conntrack)');
  bin = new CniBinDir();
});
test.after(() => bin?.dispose());

test('Conntrack.deleteMatching removes only the UDP entries of one destination port and family', () => {
  const ns = makeNetns('cnct');
  try {
    const insert = (args: string) => ns.execOk('conntrack', ['-I', ...args.split(' '), '--timeout', '120']);
    insert('-p udp -s 10.9.9.1 -d 10.9.9.2 --sport 5555 --dport 4242');
    insert('-p udp -s 10.9.9.3 -d 10.9.9.2 --sport 5556 --dport 4242');
    insert('-p udp -s 10.9.9.1 -d 10.9.9.2 --sport 5557 --dport 4243');
    insert('-p tcp -s 10.9.9.1 -d 10.9.9.2 --sport 5558 --dport 4242 --state ESTABLISHED');
    insert('-p udp -s fd00::1 -d fd00::2 --sport 5555 --dport 4242');

    using ct = Conntrack.openIn(ns.path);
    const listed = ct.list({ family: 4, protocol: IPPROTO.UDP, origDstPort: 4242 });
    assert.equal(listed.map((e) => `${e.orig.src}:${e.orig.srcPort}`).sort(), ['10.9.9.1:5555', '10.9.9.3:5556']);
    assert.is(listed[0]!.reply?.src, '10.9.9.2', 'the reply tuple is decoded too');

    assert.is(ct.deleteMatching({ family: 4, protocol: IPPROTO.UDP, origDstPort: 4242 }), 2);
    assert.is(ct.deleteMatching({ family: 4, protocol: IPPROTO.UDP, origDstPort: 4242 }), 0, 'nothing left the second time');

    const left = ns.execOk('conntrack', ['-L', '-f', 'ipv4']) + ns.execOk('conntrack', ['-L', '-f', 'ipv6']);
    assert.not.match(left, /udp .* dport=4242 \[UNREPLIED\] src=10\.9\.9\.2/, 'the IPv4 UDP entries of port 4242 are gone');
    assert.match(left, /dport=4243/, 'another UDP port is kept');
    assert.match(left, /tcp .* dport=4242/, 'TCP to the port is kept');
    assert.match(left, /src=fd00::1 dst=fd00::2 sport=5555 dport=4242/, 'IPv6 is kept');

    assert.is(ct.deleteMatching({ family: 6, protocol: IPPROTO.UDP, origDstPort: 4242 }), 1);
    assert.not.match(ns.execOk('conntrack', ['-L', '-f', 'ipv6']), /dport=4242/);
  } finally {
    ns.remove();
  }
});

test('portmap ADD deletes a stale UDP entry that black-holes the host port; DEL deletes the port entries', async () => {
  const w = new PortmapWorld();
  try {
    const x = w.container(bin, 'x');
    const a = w.container(bin, 'a');
    await w.serve(a.ns, 'udp', 53, 'udp-a');
    const p = portBase();
    const sport = 40000 + (p % 1000);

    // Another container's mapping: the nat hooks exist, so a flow to a port without a rule gets a
    // "no NAT" binding in its conntrack entry, which later rules never change.
    assert.is(w.portmap(bin, 'ADD', x, w.portmapConf([{ hostPort: p + 9, containerPort: 53, protocol: 'udp' }], {}, x.result)).code, 0);

    // A client already sending to the port before it is mapped: its entry is not NATed.
    assert.is(w.request(w.peer, 'udp', w.hostV4, p + 1, { sourcePort: sport, timeout: 1 }), '', 'nothing listens yet');
    const stale = w.udpConntrack(p + 1);
    assert.is(stale.length, 1, `one entry for the port: ${stale.join('\n')}`);
    assert.match(stale[0]!, `src=${w.hostV4} dst=${w.peerNet.v4Prefix}2 sport=${p + 1}`, 'its reply comes from the host itself');

    // The black hole: with a DNAT rule in place (added by hand here), the same flow still misses it.
    w.host.execOk('nft', ['add', 'rule', 'ip', 'cni_hostport', 'hostports', 'udp', 'dport', String(p + 1), 'dnat', 'to', `${a.v4}:53`]);
    assert.is(w.request(w.peer, 'udp', w.hostV4, p + 1, { sourcePort: sport, timeout: 1 }), '', 'the stale entry wins over the rule');

    const conf = w.portmapConf([{ hostPort: p + 1, containerPort: 53, protocol: 'udp' }], {}, a.result);
    const add = w.portmap(bin, 'ADD', a, conf);
    assert.is(add.code, 0, `ADD: ${add.stdout}${add.stderr}`);
    assert.is(w.udpConntrack(p + 1).length, 0, 'ADD deleted the stale entry');
    assert.is(w.request(w.peer, 'udp', w.hostV4, p + 1, { sourcePort: sport }), 'udp-a', 'the same flow now reaches the container');
    const fresh = w.udpConntrack(p + 1);
    assert.is(fresh.length, 1);
    assert.match(fresh[0]!, `src=${a.v4} dst=${w.peerNet.v4Prefix}2 sport=53`, 'the new entry is DNATed to the container');

    assert.is(w.portmap(bin, 'DEL', a, conf).code, 0);
    assert.is(w.udpConntrack(p + 1).length, 0, 'DEL deleted the entries of the port');
    assert.is(w.udpConntrack(p + 9).length, 0, 'nothing of the other port was there to begin with');
  } finally {
    await w.cleanup();
  }
});

test.run();
