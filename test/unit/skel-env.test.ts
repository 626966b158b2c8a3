import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readEnv } from '../../src/skel/env.js';
import { CniError } from '../../src/spec/errors.js';

const BASE = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'abc123', CNI_NETNS: '/run/netns/x', CNI_IFNAME: 'eth0', CNI_PATH: '/opt/cni/bin:/usr/lib/cni' };

function envError(env: Record<string, string | undefined>): CniError {
  try {
    readEnv(env);
  } catch (err) {
    assert.instance(err, CniError);
    return err as CniError;
  }
  throw new Error('readEnv accepted ' + JSON.stringify(env));
}

test('a complete ADD environment', () => {
  assert.equal(readEnv({ ...BASE, CNI_ARGS: 'IgnoreUnknown=1' }), {
    command: 'ADD', containerId: 'abc123', netns: '/run/netns/x', ifName: 'eth0', args: 'IgnoreUnknown=1', path: ['/opt/cni/bin', '/usr/lib/cni'],
  });
});

test('CNI_PATH drops empty entries', () => {
  assert.equal(readEnv({ ...BASE, CNI_PATH: ':/a::/b:' }).path, ['/a', '/b']);
});

test('missing CNI_COMMAND and unknown commands are code 4', () => {
  const e1 = envError({});
  assert.is(e1.code, 4);
  assert.is(e1.message, 'required env variables [CNI_COMMAND] missing');
  const e2 = envError({ ...BASE, CNI_COMMAND: 'FROB' });
  assert.is(e2.code, 4);
  assert.is(e2.message, 'unknown CNI_COMMAND: FROB');
  assert.is(envError({ ...BASE, CNI_COMMAND: 'add' }).message, 'unknown CNI_COMMAND: add');
});

test('each missing variable is named, per command', () => {
  const cases: [string, string, string][] = [
    ['ADD', 'CNI_CONTAINERID', 'required env variables [CNI_CONTAINERID] missing'],
    ['ADD', 'CNI_NETNS', 'required env variables [CNI_NETNS] missing'],
    ['ADD', 'CNI_IFNAME', 'required env variables [CNI_IFNAME] missing'],
    ['CHECK', 'CNI_CONTAINERID', 'required env variables [CNI_CONTAINERID] missing'],
    ['CHECK', 'CNI_NETNS', 'required env variables [CNI_NETNS] missing'],
    ['CHECK', 'CNI_IFNAME', 'required env variables [CNI_IFNAME] missing'],
    ['DEL', 'CNI_CONTAINERID', 'required env variables [CNI_CONTAINERID] missing'],
    ['DEL', 'CNI_IFNAME', 'required env variables [CNI_IFNAME] missing'],
    ['GC', 'CNI_PATH', 'required env variables [CNI_PATH] missing'],
  ];
  for (const [command, drop, msg] of cases) {
    for (const value of [undefined, '']) {
      const e = envError({ ...BASE, CNI_COMMAND: command, [drop]: value });
      assert.is(e.code, 4, `${command} without ${drop}`);
      assert.is(e.message, msg);
    }
  }
});

test('all missing variables are named together, in order', () => {
  const e = envError({ CNI_COMMAND: 'ADD' });
  assert.is(e.message, 'required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME] missing');
  assert.is(envError({ CNI_COMMAND: 'DEL' }).message, 'required env variables [CNI_CONTAINERID,CNI_IFNAME] missing');
});

test('optional variables: DEL without netns, ADD without CNI_PATH, GC/STATUS without container vars', () => {
  assert.is(readEnv({ ...BASE, CNI_COMMAND: 'DEL', CNI_NETNS: undefined }).netns, '');
  assert.equal(readEnv({ ...BASE, CNI_PATH: undefined }).path, []);
  assert.equal(readEnv({ CNI_COMMAND: 'GC', CNI_PATH: '/opt/cni/bin' }).containerId, '');
  assert.is(readEnv({ CNI_COMMAND: 'STATUS' }).command, 'STATUS');
  // GC does not validate attachment variables it does not use.
  assert.is(readEnv({ CNI_COMMAND: 'GC', CNI_PATH: '/x', CNI_IFNAME: 'a/b' }).command, 'GC');
  assert.is(readEnv({ CNI_COMMAND: 'VERSION' }).command, 'VERSION');
});

test('bad CNI_CONTAINERID is code 4 naming the variable', () => {
  for (const id of ['-abc', '_abc', '.abc', 'a b', 'a/b', 'a:b', 'ä1', 'a*']) {
    const e = envError({ ...BASE, CNI_CONTAINERID: id });
    assert.is(e.code, 4, id);
    assert.is(e.message, 'invalid CNI_CONTAINERID: must match ^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$');
    assert.is(e.details, id);
  }
  assert.is(readEnv({ ...BASE, CNI_CONTAINERID: 'A0_b.c-d' }).containerId, 'A0_b.c-d');
});

test('bad CNI_IFNAME is code 4 naming the variable', () => {
  const cases: [string, string][] = [
    ['abcdefghijklmnop', 'invalid CNI_IFNAME: interface name is too long (at most 15 bytes)'],
    ['ééééééééé', 'invalid CNI_IFNAME: interface name is too long (at most 15 bytes)'],
    ['.', 'invalid CNI_IFNAME: interface name is . or ..'],
    ['..', 'invalid CNI_IFNAME: interface name is . or ..'],
    ['eth/0', 'invalid CNI_IFNAME: interface name contains / or : or whitespace characters'],
    ['eth0:1', 'invalid CNI_IFNAME: interface name contains / or : or whitespace characters'],
    ['eth 0', 'invalid CNI_IFNAME: interface name contains / or : or whitespace characters'],
    ['eth\t0', 'invalid CNI_IFNAME: interface name contains / or : or whitespace characters'],
    ['eth\n', 'invalid CNI_IFNAME: interface name contains / or : or whitespace characters'],
  ];
  for (const [name, msg] of cases) {
    const e = envError({ ...BASE, CNI_IFNAME: name });
    assert.is(e.code, 4, JSON.stringify(name));
    assert.is(e.message, msg);
    assert.is(e.details, name);
  }
  assert.is(readEnv({ ...BASE, CNI_IFNAME: 'abcdefghijklmno' }).ifName, 'abcdefghijklmno');
  assert.is(readEnv({ ...BASE, CNI_IFNAME: '...' }).ifName, '...');
});

test.run();
