/**
 * nf_tables over our own netlink (NETLINK_NETFILTER), no `nft` process: typed tables, chains,
 * rules and sets, atomic transactions, listing, and nft-syntax rendering.
 */
export { Nftables } from './client.js';
export { Transaction, objectKind, type NftObject } from './transaction.js';
export { NftTransactionError, type NftFailure } from './errors.js';
export type { BatchOptions } from './batch.js';
export type { Family, TableRef } from './family.js';
export type { Table, TableFlag } from './table.js';
export { PRIORITY, defaultPriority, type Chain, type ChainType, type Hook, type Policy } from './chain.js';
export type { Rule } from './rule.js';
export type { NftSet, SetElements, SetFlag } from './set.js';
export type { SetKeyType } from './set-keys.js';
export { NFT_REG } from './consts.js';
export { encodeExprs, decodeExprs } from './expr/index.js';
export type * from './expr/types.js';
export { renderTable, renderRuleBody, renderChainHeader, renderSetBody, priorityText, type TableContents } from './render.js';
export { renderExprs } from './render-expr.js';
export * from './match.js';
