/** Namespace helpers (open, withNetns, named create/delete), Netlink.openIn and sysctl per netns. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Netlink } from '../../src/netlink/index.js';
import {
  createNamedNetns,
  currentThreadNetnsPath,
  deleteNamedNetns,
  NetnsNotFoundError,
  NotANetnsError,
  openNetns,
  withNetns,
} from '../../src/lib/ns/index.js';
import { sysctlPath, sysctlRead, sysctlWrite } from '../../src/lib/sysctl.js';
import { makeNetns } from '../helpers/netns.js';
import { uniqueSuffix } from '../helpers/env.js';
import { sh, shOk } from '../helpers/sh.js';

const inode = (p: string) => fs.statSync(p).ino;
const here = () => inode(currentThreadNetnsPath());

test('withNetns runs inside the target and always comes back (return, throw, Promise)', () => {
  const ns = makeNetns('nln');
  try {
    const before = here();
    const target = inode(ns.path);
    assert.is.not(target, before);
    assert.is(withNetns(ns.path, () => here()), target, 'inside: the target netns');
    assert.is(here(), before);

    assert.throws(() => withNetns(ns.path, () => { throw new Error('boom'); }), /boom/);
    assert.is(here(), before, 'restored after a throw');

    assert.throws(() => withNetns(ns.path, () => Promise.resolve(1)), (e: unknown) => e instanceof TypeError && /synchronous/.test((e as Error).message));
    assert.is(here(), before, 'restored after a Promise');

    using handle = openNetns(ns.path);
    assert.is(withNetns(handle, () => here()), target, 'by Netns handle');
    assert.is(withNetns(handle.fd, () => withNetns(currentThreadNetnsPath(), () => here())), target, 'nested, by fd');
    assert.is(here(), before);
  } finally {
    ns.remove();
  }
});

test('openNetns: missing path -> NetnsNotFoundError; not a netns -> NotANetnsError', () => {
  const missing = `/run/netns/does-not-exist-${uniqueSuffix()}`;
  assert.throws(() => openNetns(missing), (e: unknown) => e instanceof NetnsNotFoundError && e.path === missing);
  assert.throws(() => withNetns(missing, () => 1), (e: unknown) => e instanceof NetnsNotFoundError);
  assert.throws(() => Netlink.openIn(missing), (e: unknown) => e instanceof NetnsNotFoundError);
  const file = path.join(os.tmpdir(), `not-a-netns-${uniqueSuffix()}`);
  fs.writeFileSync(file, '');
  try {
    assert.throws(() => openNetns(file), (e: unknown) => e instanceof NotANetnsError && /nsfs/.test((e as Error).message));
  } finally {
    fs.rmSync(file, { force: true });
  }
  assert.throws(() => openNetns('/proc/self/ns/uts'), (e: unknown) => e instanceof NotANetnsError && /type/.test((e as Error).message), 'another namespace type');
  using own = openNetns('/proc/self/ns/net');
  assert.type(own.fd, 'number');
});

test('createNamedNetns / deleteNamedNetns: visible to `ip netns`, usable, duplicate fails, delete idempotent', () => {
  const name = `nlc-${uniqueSuffix()}`;
  const before = here();
  try {
    const p = createNamedNetns(name);
    assert.is(p, `/run/netns/${name}`);
    assert.is(here(), before, 'creator stays in its netns');
    assert.ok(shOk('ip', ['netns', 'list']).split('\n').some((l) => l.split(' ')[0] === name));
    assert.is.not(inode(p), before);
    assert.ok(shOk('ip', ['-n', name, 'link', 'show', 'lo']).includes('lo'), 'iproute2 can enter it');
    assert.throws(() => createNamedNetns(name), /exist/i);
    assert.ok(fs.existsSync(p), 'a failed duplicate does not remove the existing one');
    using nl = Netlink.openIn(p);
    assert.equal(nl.linkList().map((l) => l.name), ['lo'], 'a fresh netns has only lo');
  } finally {
    deleteNamedNetns(name);
  }
  assert.not.ok(fs.existsSync(`/run/netns/${name}`));
  assert.not.ok(shOk('ip', ['netns', 'list']).split('\n').some((l) => l.split(' ')[0] === name));
  deleteNamedNetns(name); // again: fine
  assert.throws(() => createNamedNetns('a/b'), (e: unknown) => e instanceof TypeError);
});

test('Netlink.openIn: the socket stays bound to the netns after returning; fd and Netns forms', () => {
  const ns = makeNetns('nlo');
  try {
    const before = here();
    using nl = Netlink.openIn(ns.path);
    assert.is(here(), before);
    nl.linkAdd({ kind: 'bridge', name: 'only-there' });
    assert.ok(shOk('ip', ['-n', ns.name, 'link', 'show', 'only-there']).includes('only-there'));
    assert.is.not(sh('ip', ['link', 'show', 'only-there']).code, 0, 'not in the test runner netns');
    using handle = openNetns(ns.path);
    using byFd = Netlink.openIn(handle.fd);
    using byHandle = Netlink.openIn(handle);
    assert.ok(byFd.linkByNameOrNull('only-there'));
    assert.ok(byHandle.linkByNameOrNull('only-there'));
  } finally {
    ns.remove();
  }
});

test('sysctl: key forms; a write inside a netns changes only that netns', () => {
  assert.is(sysctlPath('net.ipv4.ip_forward'), '/proc/sys/net/ipv4/ip_forward');
  assert.is(sysctlPath('net/ipv4/conf/eth0.100/rp_filter'), '/proc/sys/net/ipv4/conf/eth0.100/rp_filter');
  assert.is(sysctlPath('/proc/sys/net/ipv4/ip_forward'), '/proc/sys/net/ipv4/ip_forward');
  assert.throws(() => sysctlPath('net/../../etc/passwd'), (e: unknown) => e instanceof TypeError);

  const a = makeNetns('nls');
  const b = makeNetns('nls');
  try {
    const hostValue = sysctlRead('net/ipv4/ip_forward');
    const readIn = (name: string) => shOk('ip', ['netns', 'exec', name, 'cat', '/proc/sys/net/ipv4/ip_forward']).trim();
    const bValue = readIn(b.name);
    // New namespaces start from the host's value: write the opposite in `a` so a change shows.
    const flipped = withNetns(a.path, () => sysctlRead('net/ipv4/ip_forward')) === '1' ? '0' : '1';
    withNetns(a.path, () => sysctlWrite('net.ipv4.ip_forward', flipped));
    assert.is(withNetns(a.path, () => sysctlRead('net/ipv4/ip_forward')), flipped);
    assert.is(readIn(a.name), flipped, 'iproute2 sees the change in that netns');
    assert.is(readIn(b.name), bValue, 'other netns untouched');
    assert.is(sysctlRead('net/ipv4/ip_forward'), hostValue, 'host untouched');

    // An interface name with a dot, reachable only through the path form.
    using nl = Netlink.openIn(a.path);
    nl.linkAdd({ kind: 'bridge', name: 'br.5' });
    withNetns(a.path, () => sysctlWrite('net/ipv6/conf/br.5/accept_ra', '0'));
    assert.is(shOk('ip', ['netns', 'exec', a.name, 'cat', '/proc/sys/net/ipv6/conf/br.5/accept_ra']).trim(), '0');
  } finally {
    a.remove();
    b.remove();
  }
});

test.run();
