import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCniArgs, pickCniArgs } from '../../src/skel/cni-args.js';
import { cniErrorOf } from '../helpers/errors.js';


test('known keys are picked', () => {
  assert.equal(pickCniArgs('IP=10.0.0.5;MAC=0a:00:00:00:00:01', ['IP', 'MAC']), { IP: '10.0.0.5', MAC: '0a:00:00:00:00:01' });
  assert.equal(pickCniArgs('', ['IP']), {});
});

test('IgnoreUnknown=1 and IgnoreUnknown=true allow unknown keys', () => {
  const k8s = 'K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-0;K8S_POD_INFRA_CONTAINER_ID=abc;K8S_POD_UID=u-1;IP=10.0.0.5';
  assert.equal(pickCniArgs(`IgnoreUnknown=1;${k8s}`, ['IP']), { IP: '10.0.0.5' });
  assert.equal(pickCniArgs(`${k8s};IgnoreUnknown=true`, ['IP']), { IP: '10.0.0.5' });
  assert.equal(pickCniArgs(`IgnoreUnknown=TRUE;${k8s}`, ['IP']), { IP: '10.0.0.5' });
});

test('an unknown key without IgnoreUnknown is code 4 naming it', () => {
  const e = cniErrorOf(() => pickCniArgs('IP=10.0.0.5;FOO=bar', ['IP']));
  assert.is(e.code, 4);
  assert.match(e.message, '"FOO"');
  assert.is(cniErrorOf(() => pickCniArgs('IgnoreUnknown=0;FOO=bar', ['IP'])).code, 4);
});

test('a malformed pair is code 4', () => {
  for (const raw of ['IP', '=x', 'IP=1;novalue']) {
    const e = cniErrorOf(() => parseCniArgs(raw));
    assert.is(e.code, 4, raw);
    assert.match(e.message, 'CNI_ARGS');
  }
  // Values may contain '='; empty pairs are skipped.
  assert.equal([...parseCniArgs('A=b=c;;B=')], [['A', 'b=c'], ['B', '']]);
});

test.run();
