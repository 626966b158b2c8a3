/**
 * bridge ADD: bridge (made if missing) -> veth made in the container, host end enslaved (and the
 * MAC spoof check) -> IPAM -> container addresses and routes -> gateway addresses on the bridge and
 * forwarding -> masquerading -> port up.
 * Every step that leaves something behind registers its undo on a Rollback, so a failed ADD
 * leaves no veth, IPAM reservation or netfilter rule; a bridge it created goes too unless another
 * port uses it (an existing, shared bridge and its gateway address stay).
 * Before anything is touched: the settings' combinations and, when the IPAM plugin is this
 * executable, the IPAM section itself (preflightDelegate), so a bad config changes nothing.
 */
import type { Link } from '../../../netlink/index.js';
import type { PluginContext } from '../../../skel/types.js';
import { CURRENT_VERSION, type Interface, type Result } from '../../../spec/types.js';
import { CniError, ErrorCode } from '../../../spec/errors.js';
import { Rollback } from '../../../lib/rollback.js';
import { setupVeth, type VethPair } from '../../../lib/veth.js';
import { enableForwarding } from '../../../lib/forwarding.js';
import { delegateAdd, delegateDel, preflightDelegate } from '../../../skel/delegate.js';
import { Sandbox, configureInterface, enableArpNotify, hasDnsSettings, setDadMode } from '../../../lib/ifconfig/index.js';
import type { BridgeConf, BridgeSettings } from './config.js';
import { bridgeByName, ensureBridge, removeIfUnused } from './ensure-bridge.js';
import { attachPort } from './port.js';
import { planGateways, type GatewayPlan } from './gateways.js';
import { ensureGatewayAddress } from './gateway-address.js';
import { ensureVlanGateway } from './vlan-gateway.js';
import { waitForPortUp } from './port-state.js';
import { addMasquerade, checkMasqSettings } from '../../../lib/ipmasq/plugin-steps.js';
import { addSpoofCheck } from './spoofcheck.js';

/** What the steps of one ADD share. */
interface AddRun {
  conf: BridgeConf;
  s: BridgeSettings;
  ctx: PluginContext;
  sb: Sandbox;
  host: Sandbox;
  rb: Rollback;
}

export async function addBridge(conf: BridgeConf, ctx: PluginContext): Promise<Result> {
  checkCombinations(conf.settings);
  if (conf.settings.ipamType) await preflightDelegate(conf.settings.ipamType, ctx.args.stdin, ctx);
  using sb = Sandbox.open(ctx.args.netns);
  using host = Sandbox.current();
  // `return await`, not `return`: the handles above must stay open until the steps finish.
  return await Rollback.run(ctx.log, (rb) => attach({ conf, s: conf.settings, ctx, sb, host, rb }));
}

/** Settings that cannot work together, refused before anything is touched. */
function checkCombinations(s: BridgeSettings): void {
  checkMasqSettings(s);
  if (s.ipamType && s.disableContainerInterface) {
    throw new CniError(ErrorCode.InvalidNetworkConfig, 'cannot use IPAM when DisableContainerInterface flag is set');
  }
  if (s.hairpinMode && s.promiscMode) {
    throw new CniError(ErrorCode.InvalidNetworkConfig, 'cannot set hairpin mode and promiscuous mode at the same time');
  }
}

async function attach(run: AddRun): Promise<Result> {
  const { s, ctx, host } = run;
  const br = ensureBridge(host.nl, { name: s.bridge, mtu: s.mtu, promisc: s.promiscMode, vlanFiltering: s.vlanFiltering }, (index) =>
    run.rb.defer(`delete bridge ${s.bridge} (made by this ADD) unless in use`, () => removeIfUnused(host.nl, index)),
  );
  const pair = createPort(run, br);
  if (s.macspoofchk) await addSpoofCheck(ctx, run.rb, { hostIface: pair.host.name, mac: pair.cont.mac });
  const result: Result = {
    cniVersion: CURRENT_VERSION,
    interfaces: [
      { name: br.name, mac: br.mac },
      { name: pair.host.name, mac: pair.host.mac },
      { name: pair.cont.name, mac: pair.cont.mac, sandbox: ctx.args.netns },
    ],
  };
  if (s.ipamType) await configureLayer3(run, br, result);
  else if (!s.disableContainerInterface) run.sb.nl.linkSetUp(pair.cont.index);
  await settlePort(run, result);
  if (hasDnsSettings(run.conf.dns)) result.dns = run.conf.dns;
  return result;
}

/** The veth pair, its host end made a bridge port. Undo: delete the container end. */
function createPort(run: AddRun, br: Link): VethPair {
  const { s, ctx, sb, host, rb } = run;
  const pair = setupVeth({ contNl: sb.nl, hostNl: host.nl, hostNsFd: host.netns.fd, contIfName: ctx.args.ifName, mtu: s.mtu, contMac: s.mac });
  rb.defer(`delete veth ${ctx.args.ifName}`, () => sb.nl.linkDel(pair.cont.index));
  attachPort(host.nl, pair.host, br, {
    hairpin: s.hairpinMode,
    isolated: s.portIsolation,
    vlan: s.vlan,
    trunkVlans: s.trunkVlans,
    preserveDefaultVlan: s.preserveDefaultVlan,
  });
  return pair;
}

/** IPAM ADD (released again on failure), container addresses/routes, bridge gateways. */
async function configureLayer3(run: AddRun, br: Link, result: Result): Promise<void> {
  const { s, ctx, sb } = run;
  const ifName = ctx.args.ifName;
  // Registered first: a failed delegated ADD is followed by a DEL of the delegate (SPEC section 4).
  run.rb.defer(`IPAM DEL (${s.ipamType})`, () => delegateDel(s.ipamType, ctx.args.stdin, ctx));
  const ipam = await delegateAdd(s.ipamType, ctx.args.stdin, ctx);
  result.ips = (ipam.ips ?? []).map((ipc) => ({ ...ipc }));
  result.routes = (ipam.routes ?? []).map((r) => ({ ...r }));
  if (ipam.dns) result.dns = ipam.dns;
  if (result.ips.length === 0) throw new CniError(ErrorCode.Internal, 'IPAM plugin returned missing IP config');
  const plan = planGateways(result, s);
  setDadMode(sb, ifName, s.enabledad, ctx.log);
  enableArpNotify(sb, ifName, ctx.log);
  await configureInterface(sb, ifName, result, { log: ctx.log });
  if (s.isGateway) addGateways(run, br, plan, result);
  await addMasquerade(run.conf.name, s, ctx, run.rb, result.ips);
}

/** Gateway addresses on the bridge (or the VLAN's gateway interface); forwarding per family. */
function addGateways(run: AddRun, br: Link, plan: GatewayPlan, result: Result): void {
  const { s, host } = run;
  let vlanIface: Link | undefined;
  for (const family of [4, 6] as const) {
    for (const gw of plan[family]) {
      if (s.vlan !== 0) {
        if (!vlanIface) {
          vlanIface = ensureVlanGateway(host, br, s.vlan, s.preserveDefaultVlan);
          result.interfaces!.push({ name: vlanIface.name, mac: vlanIface.mac });
        }
        ensureGatewayAddress(host.nl, vlanIface, family, gw, s.forceAddress);
      } else {
        ensureGatewayAddress(host.nl, br, family, gw, s.forceAddress);
      }
    }
    if (plan[family].length > 0) enableForwarding(family);
  }
}

/** Wait for the port, then report the MACs as they are now (the bridge's may have changed). */
async function settlePort(run: AddRun, result: Result): Promise<void> {
  const { s, host } = run;
  const [brIface, hostIface] = result.interfaces as [Interface, Interface, ...Interface[]];
  // A container end left down never brings the port up.
  const hostVeth = s.disableContainerInterface ? host.nl.linkByName(hostIface.name) : await waitForPortUp(host.nl, hostIface.name);
  hostIface.mac = hostVeth.mac;
  brIface.mac = bridgeByName(host.nl, s.bridge).mac;
}
