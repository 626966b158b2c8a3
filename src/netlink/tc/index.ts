/** Traffic control over rtnetlink: qdiscs (tbf, ingress), u32 + mirred filters, the scheduler clock. */
export { parsePsched, readPschedClock, time2tick, xmittime, TIME_UNITS_PER_SEC, type PschedClock } from './clock.js';
export { makeHandle, TC_H } from './consts.js';
export { formatHandle } from './handle.js';
export type { Qdisc, QdiscRef, QdiscSpec } from './qdisc.js';
export type { Filter, U32RedirectSpec } from './filter.js';
export type { TbfParams } from './tbf.js';
