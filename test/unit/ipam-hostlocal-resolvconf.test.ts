import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseResolvConf, readResolvConf } from '../../src/plugins/ipam/host-local/resolv-conf.js';
import { makeTempDir, removeDir } from '../helpers/ipam.js';

test('parses nameserver, domain, search and options like the reference', () => {
  const text = [
    '# comment',
    '; other comment',
    '',
    'nameserver 192.0.2.1',
    '  nameserver   2001:db8::53  # trailing',
    'nameserver',
    'domain first.example',
    'domain example.com',
    'search a.example b.example',
    'search c.example',
    'options ndots:5 timeout:1',
    'options rotate',
    'sortlist 10.0.0.0/8',
  ].join('\n');
  assert.equal(parseResolvConf(text), {
    nameservers: ['192.0.2.1', '2001:db8::53'],
    domain: 'example.com',
    search: ['a.example', 'b.example', 'c.example'],
    options: ['ndots:5', 'timeout:1', 'rotate'],
  });
});

test('empty file gives an empty DNS; CRLF line endings are fine', () => {
  assert.equal(parseResolvConf(''), {});
  assert.equal(parseResolvConf('nameserver 1.1.1.1\r\nsearch x\r\n'), { nameservers: ['1.1.1.1'], search: ['x'] });
});

test('readResolvConf: a missing file is an I/O failure (code 5) naming the path', () => {
  const dir = makeTempDir();
  try {
    const file = path.join(dir, 'resolv.conf');
    fs.writeFileSync(file, 'nameserver 10.0.0.53\n');
    assert.equal(readResolvConf(file), { nameservers: ['10.0.0.53'] });
    const missing = path.join(dir, 'missing');
    assert.throws(() => readResolvConf(missing), (e: unknown) => (e as { code: number }).code === 5 && (e as Error).message === `ipam.resolvConf: cannot read ${missing}`);
  } finally {
    removeDir(dir);
  }
});

test.run();
