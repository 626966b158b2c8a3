/**
 * A handle for rtnetlink requests in one network namespace (the one it was opened in; see
 * openIn). Every call is synchronous. Method bodies only pair a request builder from route/ with
 * the transport and a parser, so the byte layout lives (and is tested) in one place.
 */
import { constants } from 'node:os';
import { withNetns, type Netns } from '../lib/ns/index.js';
import { NETLINK_ROUTE } from './codec/consts.js';
import type { IpFamily } from './codec/ip.js';
import { LinkNotFoundError, NetlinkError } from './errors.js';
import { addrAddRequest, addrDelRequest, addrDumpRequest, parseAddr } from './route/addr.js';
import { bridgePortSetRequest, bridgeVlanDumpRequest, bridgeVlanFilteringRequest, bridgeVlanRequest, parseBridgeVlans } from './route/bridge.js';
import { IFF, RT_TABLE, RTM_F } from './route/consts.js';
import { linkAddRequest } from './route/link-add.js';
import {
  linkDelRequest,
  linkDumpRequest,
  linkFlagRequest,
  linkGetByIndexRequest,
  linkGetByNameRequest,
  linkSetMacRequest,
  linkSetMasterRequest,
  linkSetMtuRequest,
  linkSetAliasRequest,
  linkSetNameRequest,
  linkSetNetnsRequest,
  linkSetTxQLenRequest,
  parseLink,
  validLinkName,
} from './route/link.js';
import { parseRoute, routeDumpRequest, routeModifyRequest } from './route/route.js';
import { filterDumpRequest, parseFilter, u32RedirectAddRequest, type Filter, type U32RedirectSpec } from './tc/filter.js';
import { readPschedClock, type PschedClock } from './tc/clock.js';
import { parseQdisc, qdiscAddRequest, qdiscDelRequest, qdiscDumpRequest, type Qdisc, type QdiscRef, type QdiscSpec } from './tc/qdisc.js';
import { parseRule, ruleDumpRequest, ruleModifyRequest } from './route/rule.js';
import type { Addr, AddrAddOptions, BridgePortOptions, BridgeVlan, BridgeVlanOptions, Link, LinkSpec, RouteInfo, RouteSpec, RuleInfo, RuleSpec } from './route/types.js';
import { NetlinkChannel } from './channel.js';
import { NetlinkSocket } from './socket.js';
import type { NetlinkRequest, NetlinkTransport } from './transport.js';

const { ENODEV, ENOENT } = constants.errno;

export class Netlink implements Disposable {
  /** Use `open` / `openIn`; the constructor takes any transport (tests inject fakes). */
  constructor(private readonly transport: NetlinkTransport) {}

  /** A NETLINK_ROUTE socket in the calling thread's current netns. */
  static open(): Netlink {
    return new Netlink(new NetlinkChannel(NetlinkSocket.open(NETLINK_ROUTE)));
  }

  /** Enter `ns` (path, fd or Netns) just long enough to create the socket; it stays bound there. */
  static openIn(ns: string | number | Netns): Netlink {
    return withNetns(ns, () => Netlink.open());
  }

  close(): void {
    this.transport.close();
  }
  [Symbol.dispose](): void {
    this.close();
  }

  // ---- links ----

  linkList(): Link[] {
    return this.transport.dump(linkDumpRequest()).map((m) => parseLink(m.payload));
  }

  /** Throws LinkNotFoundError when absent. */
  linkByName(name: string): Link {
    if (!validLinkName(name)) throw new LinkNotFoundError(name);
    return this.getLink(linkGetByNameRequest(name), name);
  }

  linkByNameOrNull(name: string): Link | null {
    try {
      return this.linkByName(name);
    } catch (err) {
      if (err instanceof LinkNotFoundError) return null;
      throw err;
    }
  }

  /** Throws LinkNotFoundError when absent. */
  linkByIndex(index: number): Link {
    return this.getLink(linkGetByIndexRequest(index), index);
  }

  /** Creates the link; EEXIST, EOPNOTSUPP (kind not in this kernel) etc. surface as NetlinkError. */
  linkAdd(spec: LinkSpec): void {
    this.transport.request(linkAddRequest(spec));
  }

  linkDel(index: number): void {
    this.ackLink(linkDelRequest(index), index);
  }

  linkSetUp(index: number): void {
    this.ackLink(linkFlagRequest(index, IFF.UP, true, 'up'), index);
  }
  linkSetDown(index: number): void {
    this.ackLink(linkFlagRequest(index, IFF.UP, false, 'up'), index);
  }
  linkSetPromisc(index: number, on: boolean): void {
    this.ackLink(linkFlagRequest(index, IFF.PROMISC, on, 'promisc'), index);
  }
  linkSetAllmulticast(index: number, on: boolean): void {
    this.ackLink(linkFlagRequest(index, IFF.ALLMULTI, on, 'allmulticast'), index);
  }
  linkSetMtu(index: number, mtu: number): void {
    this.ackLink(linkSetMtuRequest(index, mtu), index);
  }
  linkSetMac(index: number, mac: string): void {
    this.ackLink(linkSetMacRequest(index, mac), index);
  }
  /** masterIndex 0 removes the link from its master. */
  linkSetMaster(index: number, masterIndex: number): void {
    this.ackLink(linkSetMasterRequest(index, masterIndex), index);
  }
  linkSetName(index: number, name: string): void {
    this.ackLink(linkSetNameRequest(index, name), index);
  }
  /** Move the link into the netns behind `nsFd` (IFLA_NET_NS_FD), renamed to `name` there if given. */
  linkSetNetns(index: number, nsFd: number, name?: string): void {
    this.ackLink(linkSetNetnsRequest(index, nsFd, name), index);
  }
  /** IFLA_IFALIAS; '' removes it. */
  linkSetAlias(index: number, alias: string): void {
    this.ackLink(linkSetAliasRequest(index, alias), index);
  }
  linkSetTxQLen(index: number, qlen: number): void {
    this.ackLink(linkSetTxQLenRequest(index, qlen), index);
  }

  // ---- traffic control ----

  /** Qdiscs of one link (the kernel dumps all links; the rest are dropped here). */
  qdiscList(index: number): Qdisc[] {
    return this.transport
      .dump(qdiscDumpRequest(index))
      .map((m) => parseQdisc(m.payload))
      .filter((q) => q.index === index);
  }
  /** Creates the qdisc (NLM_F_EXCL: EEXIST when the place is taken). `clock` defaults to /proc/net/psched. */
  qdiscAdd(spec: QdiscSpec, clock: PschedClock = readPschedClock()): void {
    this.ackLink(qdiscAddRequest(spec, clock), spec.index);
  }
  qdiscDel(ref: QdiscRef): void {
    this.ackLink(qdiscDelRequest(ref), ref.index);
  }
  filterAddU32Redirect(spec: U32RedirectSpec): void {
    this.ackLink(u32RedirectAddRequest(spec), spec.index);
  }
  /** Filters under one qdisc (or class) of a link. */
  filterList(index: number, parent: number): Filter[] {
    return this.transport
      .dump(filterDumpRequest(index, parent))
      .map((m) => parseFilter(m.payload))
      .filter((f) => f.index === index);
  }

  // ---- bridge ----

  bridgePortSet(index: number, opts: BridgePortOptions): void {
    this.ackLink(bridgePortSetRequest(index, opts), index);
  }
  bridgeSetVlanFiltering(bridgeIndex: number, on: boolean): void {
    this.ackLink(bridgeVlanFilteringRequest(bridgeIndex, on), bridgeIndex);
  }
  bridgeVlanAdd(index: number, vid: number, opts: BridgeVlanOptions = {}): void {
    this.ackLink(bridgeVlanRequest('add', index, vid, opts), index);
  }
  bridgeVlanDel(index: number, vid: number, opts: { self?: boolean } = {}): void {
    this.ackLink(bridgeVlanRequest('del', index, vid, opts), index);
  }
  bridgeVlanList(index: number): BridgeVlan[] {
    const vlans: BridgeVlan[] = [];
    for (const m of this.transport.dump(bridgeVlanDumpRequest())) {
      const entry = parseBridgeVlans(m.payload);
      if (entry.index === index) vlans.push(...entry.vlans);
    }
    return vlans.sort((a, b) => a.vid - b.vid);
  }

  // ---- addresses ----

  addrList(filter: { family?: IpFamily; index?: number } = {}): Addr[] {
    const out: Addr[] = [];
    for (const m of this.transport.dump(addrDumpRequest(filter))) {
      const a = parseAddr(m.payload);
      if (!a || (filter.family && a.family !== filter.family) || (filter.index !== undefined && a.index !== filter.index)) continue;
      out.push(a);
    }
    return out;
  }
  addrAdd(index: number, cidr: string, opts: AddrAddOptions = {}): void {
    this.transport.request(addrAddRequest(index, cidr, opts));
  }
  addrDel(index: number, cidr: string): void {
    this.transport.request(addrDelRequest(index, cidr));
  }

  // ---- routes ----

  /** Routes of one table (default main; 0 = every table), optionally one family / output link. */
  routeList(filter: { family?: IpFamily; table?: number; index?: number } = {}): RouteInfo[] {
    const table = filter.table ?? RT_TABLE.MAIN;
    let messages;
    try {
      messages = this.transport.dump(routeDumpRequest({ family: filter.family, table }));
    } catch (err) {
      // IPv4 answers ENOENT for a table that does not exist (yet): that is an empty list.
      if (err instanceof NetlinkError && err.errno === ENOENT && table !== 0) return [];
      throw err;
    }
    const out: RouteInfo[] = [];
    for (const m of messages) {
      const r = parseRoute(m.payload);
      if (!r || r.flags & RTM_F.CLONED) continue;
      if (filter.family && r.family !== filter.family) continue;
      if (table && r.table !== table) continue;
      if (filter.index !== undefined && r.index !== filter.index) continue;
      const { flags: _flags, ...info } = r;
      out.push(info);
    }
    return out;
  }
  routeAdd(r: RouteSpec): void {
    this.transport.request(routeModifyRequest('add', r));
  }
  /** Add beside existing routes to the same destination (another gateway or device); EEXIST only for the identical route. */
  routeAppend(r: RouteSpec): void {
    this.transport.request(routeModifyRequest('append', r));
  }
  routeReplace(r: RouteSpec): void {
    this.transport.request(routeModifyRequest('replace', r));
  }
  routeDel(r: RouteSpec): void {
    this.transport.request(routeModifyRequest('del', r));
  }

  // ---- policy routing rules ----

  /** Rules of one family, or both. */
  ruleList(family?: IpFamily): RuleInfo[] {
    const out: RuleInfo[] = [];
    for (const m of this.transport.dump(ruleDumpRequest(family))) {
      const r = parseRule(m.payload);
      if (r && (!family || r.family === family)) out.push(r);
    }
    return out;
  }
  ruleAdd(r: RuleSpec): void {
    this.transport.request(ruleModifyRequest('add', r));
  }
  ruleDel(r: RuleSpec): void {
    this.transport.request(ruleModifyRequest('del', r));
  }

  // ---- helpers ----

  private getLink(req: NetlinkRequest, ref: string | number): Link {
    let replies;
    try {
      replies = this.transport.request(req);
    } catch (err) {
      if (err instanceof NetlinkError && err.errno === ENODEV) throw new LinkNotFoundError(ref, err);
      throw err;
    }
    const reply = replies[0];
    if (!reply) throw new LinkNotFoundError(ref);
    return parseLink(reply.payload);
  }

  /** A request aimed at one ifindex: ENODEV becomes LinkNotFoundError. */
  private ackLink(req: NetlinkRequest, index: number): void {
    try {
      this.transport.request(req);
    } catch (err) {
      if (err instanceof NetlinkError && err.errno === ENODEV && !(err instanceof LinkNotFoundError)) throw new LinkNotFoundError(index, err);
      throw err;
    }
  }
}

