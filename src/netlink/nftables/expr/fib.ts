/** fib: route lookup (`fib daddr type => reg 1`: the address type of the destination). */
import { EnumNames, FlagNames, requireBe32, type ExprCodec } from './codec.js';
import type { FibExpr, FibFlag, FibResult } from './types.js';

const NFTA_FIB = { DREG: 1, RESULT: 2, FLAGS: 3 } as const;

export const FIB_RESULTS = new EnumNames<FibResult>('fib result', [null, 'oif', 'oifname', 'type']);
export const FIB_FLAGS = new FlagNames<FibFlag>('fib', [
  ['saddr', 0x1],
  ['daddr', 0x2],
  ['mark', 0x4],
  ['iif', 0x8],
  ['oif', 0x10],
  ['present', 0x20],
]);

export const fibCodec: ExprCodec<FibExpr> = {
  kernelName: 'fib',
  encode(e, w) {
    w.u32be(NFTA_FIB.FLAGS, FIB_FLAGS.value(e.flags));
    w.u32be(NFTA_FIB.RESULT, FIB_RESULTS.value(e.result));
    w.u32be(NFTA_FIB.DREG, e.dreg);
  },
  decode(a) {
    return {
      type: 'fib',
      flags: FIB_FLAGS.names(requireBe32(a, NFTA_FIB.FLAGS, 'fib')),
      result: FIB_RESULTS.name(requireBe32(a, NFTA_FIB.RESULT, 'fib')),
      dreg: requireBe32(a, NFTA_FIB.DREG, 'fib'),
    };
  },
};
