/** The CniError a call throws; fails the test when it throws nothing or something else. */
import * as assert from 'uvu/assert';
import { CniError } from '../../src/spec/errors.js';

export function cniErrorOf(fn: () => unknown): CniError {
  try {
    fn();
  } catch (err) {
    assert.instance(err, CniError);
    return err as CniError;
  }
  throw new Error('expected a CniError');
}
