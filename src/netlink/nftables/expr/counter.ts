/** counter: packets and bytes that reached it (`counter pkts 0 bytes 0`). */
import { be64, be64Bytes } from '../message.js';
import type { ExprCodec } from './codec.js';
import type { CounterExpr } from './types.js';

const NFTA_COUNTER = { BYTES: 1, PACKETS: 2 } as const;

export const counterCodec: ExprCodec<CounterExpr> = {
  kernelName: 'counter',
  encode(e, w) {
    // nft sends an empty counter; initial values are only written when given.
    if (e.bytes !== undefined) w.bytes(NFTA_COUNTER.BYTES, be64Bytes(e.bytes));
    if (e.packets !== undefined) w.bytes(NFTA_COUNTER.PACKETS, be64Bytes(e.packets));
  },
  decode(a) {
    const e: CounterExpr = { type: 'counter' };
    const bytes = be64(a, NFTA_COUNTER.BYTES);
    if (bytes !== undefined) e.bytes = bytes;
    const packets = be64(a, NFTA_COUNTER.PACKETS);
    if (packets !== undefined) e.packets = packets;
    return e;
  },
};
