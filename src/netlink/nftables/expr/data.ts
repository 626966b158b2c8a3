/**
 * struct nft_data as attributes: NFTA_DATA_VALUE (raw register bytes) or NFTA_DATA_VERDICT
 * { NFTA_VERDICT_CODE be32, NFTA_VERDICT_CHAIN string }.
 */
import type { AttrWriter, Attrs } from '../../codec/attr.js';
import { NetlinkDecodeError } from '../../errors.js';
import { NFT_VERDICT, NFTA_DATA, NFTA_VERDICT } from '../consts.js';
import { be32signed } from '../message.js';
import type { VerdictExpr, VerdictKind } from './types.js';

export function writeValue(w: AttrWriter, type: number, value: Uint8Array): void {
  w.nested(type, (d) => d.bytes(NFTA_DATA.VALUE, value));
}

export function readValue(a: Attrs, type: number, what: string): Buffer {
  const v = a.nested(type)?.get(NFTA_DATA.VALUE);
  if (!v) throw new NetlinkDecodeError(`${what}: data value missing`);
  return Buffer.from(v);
}

export function writeVerdict(w: AttrWriter, type: number, v: VerdictExpr): void {
  w.nested(type, (d) =>
    d.nested(NFTA_DATA.VERDICT, (x) => {
      x.u32be(NFTA_VERDICT.CODE, NFT_VERDICT[v.kind]);
      if (v.kind === 'jump' || v.kind === 'goto') x.string(NFTA_VERDICT.CHAIN, v.chain);
    }),
  );
}

const KINDS = Object.entries(NFT_VERDICT) as [VerdictKind | 'break', number][];

/** The verdict inside a data attribute, or undefined when it holds a value. */
export function readVerdict(a: Attrs, type: number): VerdictExpr | undefined {
  const v = a.nested(type)?.nested(NFTA_DATA.VERDICT);
  if (!v) return undefined;
  const code = be32signed(v, NFTA_VERDICT.CODE);
  const kind = KINDS.find(([, c]) => c === code)?.[0];
  if (kind === undefined || kind === 'break') throw new NetlinkDecodeError(`unknown verdict code ${code}`);
  if (kind === 'jump' || kind === 'goto') {
    const chain = v.string(NFTA_VERDICT.CHAIN);
    if (chain === undefined) throw new NetlinkDecodeError(`${kind} verdict without a chain`);
    return { type: 'verdict', kind, chain };
  }
  return { type: 'verdict', kind };
}
