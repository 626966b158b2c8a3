import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IpAddress } from '../../src/lib/ip/index.js';
import { allocate, AllocationError } from '../../src/plugins/ipam/host-local/allocator/allocator.js';
import { candidates } from '../../src/plugins/ipam/host-local/allocator/range-iterator.js';
import { canonicalizeRangeSet } from '../../src/plugins/ipam/host-local/config/range-set.js';
import { FakeStore } from '../../src/plugins/ipam/host-local/store/fake-store.js';

const ip = (s: string) => IpAddress.parse(s);
const set = (...ranges: object[]) => canonicalizeRangeSet(ranges, 'test');
const key = (containerId: string, ifName = 'eth0') => ({ containerId, ifName });

function alloc(store: FakeStore, s: ReturnType<typeof set>, id: string, requested?: string): string {
  store.lock();
  try {
    return allocate(store, { key: key(id), set: s, rangeId: '0', requested: requested ? ip(requested) : undefined }).ip.toString();
  } finally {
    store.unlock();
  }
}

function allocError(store: FakeStore, s: ReturnType<typeof set>, id: string, requested?: string): string {
  try {
    alloc(store, s, id, requested);
  } catch (err) {
    assert.instance(err, AllocationError);
    return (err as Error).message;
  }
  return assert.unreachable('expected an AllocationError') as never;
}

test('iterator: from rangeStart, skipping the gateway, then wrapping over ranges', () => {
  const s = set({ subnet: '10.0.0.0/29' }, { subnet: '10.0.1.0/30' });
  assert.equal([...candidates(s)].map((c) => c.ip.toString()), ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.1.2']);
  // after the last reserved address, wrapping around; the last reserved one comes last
  assert.equal([...candidates(s, ip('10.0.0.5'))].map((c) => c.ip.toString()), ['10.0.0.6', '10.0.1.2', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5']);
  // a last reserved address outside the set restarts at the beginning
  assert.equal([...candidates(s, ip('192.168.0.1'))][0]!.ip.toString(), '10.0.0.2');
});

test('iterator skips network and IPv4 broadcast reached through explicit edges, and a gateway anywhere', () => {
  const s = set({ subnet: '10.0.0.0/29', rangeStart: '10.0.0.0', rangeEnd: '10.0.0.7', gateway: '10.0.0.4' });
  assert.equal([...candidates(s)].map((c) => c.ip.toString()), ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.5', '10.0.0.6']);
  // IPv6 has no broadcast: the last address is allocatable, the subnet-router (network) address is not
  const v6 = set({ subnet: '2001:db8::/126', rangeStart: '2001:db8::' });
  assert.equal([...candidates(v6)].map((c) => c.ip.toString()), ['2001:db8::2', '2001:db8::3']);
});

test('round robin: each allocation continues after the last reserved one, even after a release', () => {
  const store = new FakeStore();
  const s = set({ subnet: '10.0.0.0/29' });
  assert.is(alloc(store, s, 'a'), '10.0.0.2');
  assert.is(alloc(store, s, 'b'), '10.0.0.3');
  store.lock();
  store.release(ip('10.0.0.2'));
  store.unlock();
  assert.is(alloc(store, s, 'c'), '10.0.0.4');
  assert.is(store.lastReservedIp('0')!.toString(), '10.0.0.4');
});

test('wraps to the start and reuses freed addresses; exhaustion names the range set', () => {
  const store = new FakeStore();
  const s = set({ subnet: '10.0.0.0/29' }); // .2-.6 allocatable
  const got = ['a', 'b', 'c', 'd', 'e'].map((id) => alloc(store, s, id));
  assert.equal(got, ['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']);
  assert.is(allocError(store, s, 'f'), 'no IP addresses available in range set: 10.0.0.1-10.0.0.6');
  store.lock();
  store.release(ip('10.0.0.3'));
  store.unlock();
  assert.is(alloc(store, s, 'f'), '10.0.0.3');
});

test('duplicate allocation for the same attachment is refused; another ifname is fine', () => {
  const store = new FakeStore();
  const s = set({ subnet: '10.0.0.0/24' });
  alloc(store, s, 'a');
  assert.is(allocError(store, s, 'a'), '10.0.0.2 has been allocated to a, duplicate allocation is not allowed');
  store.lock();
  const other = allocate(store, { key: key('a', 'eth1'), set: s, rangeId: '0' });
  store.unlock();
  assert.is(other.ip.toString(), '10.0.0.3');
  // a legacy ID-only reservation counts as held too
  store.put(ip('10.0.0.9'), 'legacy');
  assert.is(allocError(store, s, 'legacy'), '10.0.0.9 has been allocated to legacy, duplicate allocation is not allowed');
});

test('requested addresses: granted, taken, gateway, network', () => {
  const store = new FakeStore();
  const s = set({ subnet: '10.0.0.0/24', rangeStart: '10.0.0.0', gateway: '10.0.0.1' });
  assert.is(alloc(store, s, 'a', '10.0.0.77'), '10.0.0.77');
  assert.is(store.lastReservedIp('0')!.toString(), '10.0.0.77');
  assert.is(allocError(store, s, 'b', '10.0.0.77'), 'requested IP address 10.0.0.77 is not available in range set 10.0.0.0-10.0.0.254');
  assert.is(allocError(store, s, 'b', '10.0.0.1'), "requested ip 10.0.0.1 is subnet's gateway");
  assert.is(allocError(store, s, 'b', '10.0.0.0'), 'requested ip 10.0.0.0 is the network or broadcast address of 10.0.0.0/24');
  assert.is(allocError(store, s, 'b', '10.9.0.0'), '10.9.0.0 not in range set 10.0.0.0-10.0.0.254');
});

test('IPv6 allocation', () => {
  const store = new FakeStore();
  const s = set({ subnet: '2001:db8:1::/64', rangeStart: '2001:db8:1::10', rangeEnd: '2001:db8:1::12' });
  assert.equal(['a', 'b', 'c'].map((id) => alloc(store, s, id)), ['2001:db8:1::10', '2001:db8:1::11', '2001:db8:1::12']);
  assert.is(allocError(store, s, 'd'), 'no IP addresses available in range set: 2001:db8:1::10-2001:db8:1::12');
});

test('allocation requires the lock (FakeStore enforces it)', () => {
  const store = new FakeStore();
  assert.throws(() => allocate(store, { key: key('a'), set: set({ subnet: '10.0.0.0/24' }), rangeId: '0' }), /without the lock/);
});

test.run();
