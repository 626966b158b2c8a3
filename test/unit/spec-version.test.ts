import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareVersions, isValidVersion, newestVersion, parseVersion, versionAtLeast } from '../../src/spec/version.js';
import { CniError } from '../../src/spec/errors.js';

test('parseVersion: one to three numeric parts, empty means 0.1.0', () => {
  assert.equal(parseVersion('1.1.0'), { major: 1, minor: 1, patch: 0 });
  assert.equal(parseVersion('0.4'), { major: 0, minor: 4, patch: 0 });
  assert.equal(parseVersion('1'), { major: 1, minor: 0, patch: 0 });
  assert.equal(parseVersion(''), { major: 0, minor: 1, patch: 0 });
});

test('parseVersion rejects garbage with code 6', () => {
  for (const bad of ['1.2.3.4', 'a.b.c', '1..0', '1.0.x', 'v1.0.0', '1.0.0-rc1', ' 1.0.0']) {
    try {
      parseVersion(bad);
      assert.unreachable(bad);
    } catch (err) {
      assert.instance(err, CniError);
      assert.is((err as CniError).code, 6);
      assert.match((err as CniError).message, `"${bad}"`);
    }
    assert.not.ok(isValidVersion(bad));
  }
});

test('compareVersions orders numerically, not as text', () => {
  assert.is(compareVersions('0.10.0', '0.9.0'), 1);
  assert.is(compareVersions('0.3.1', '0.3.0'), 1);
  assert.is(compareVersions('0.4.0', '1.0.0'), -1);
  assert.is(compareVersions('1.0', '1.0.0'), 0);
  assert.is(compareVersions('', '0.1.0'), 0);
});

test('versionAtLeast', () => {
  assert.ok(versionAtLeast('0.4.0', '0.4.0'));
  assert.ok(versionAtLeast('1.0.0', '0.4.0'));
  assert.not.ok(versionAtLeast('0.3.1', '0.4.0'));
  assert.not.ok(versionAtLeast('1.0.0', '1.1.0'));
});

test('newestVersion skips invalid entries', () => {
  assert.is(newestVersion(['0.3.1', '1.1.0', 'junk', '1.0.0']), '1.1.0');
  assert.is(newestVersion(['junk']), undefined);
});

test.run();
