/**
 * A failed nf_tables transaction. It is a NetlinkError for the first message the kernel rejected
 * (so isNotFound / isExists work on it); `failures` lists every rejected message in batch order.
 */
import { NetlinkError } from '../errors.js';

export interface NftFailure {
  /** Index of the message in the transaction. */
  index: number;
  /** What the message did, e.g. "add rule inet cni_x postrouting". */
  op: string;
  errno: number;
  code: string;
  extack?: string;
}

export class NftTransactionError extends NetlinkError {
  override name = 'NftTransactionError';
  readonly failures: readonly NftFailure[];
  constructor(failures: NftFailure[], describe?: (errno: number) => string) {
    const first = failures[0]!;
    super({ errno: first.errno, op: first.op, text: describe?.(first.errno), extack: first.extack });
    this.failures = failures;
  }
}
