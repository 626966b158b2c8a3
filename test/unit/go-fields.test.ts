/**
 * Go's encoding/json key matching (src/lib/go-fields.ts), pinned rule by rule, and its use by the
 * config readers, skel's decoding and the runtime library's plugin objects.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalize, foldName, goField, goKey, list, mapOf, struct } from '../../src/lib/go-fields.js';
import { optBool, optInt, optObject, optString, optStringArray, optValue, present } from '../../src/lib/config-fields.js';
import { NETCONF_SHAPE } from '../../src/spec/netconf-shape.js';
import { decodeConfig } from '../../src/skel/run.js';
import { networkConfFromBytes, pluginConfFromBytes } from '../../src/runtime/conf/parse.js';
import { parseResult } from '../../src/spec/convert.js';

const parse = (text: string) => JSON.parse(text) as Record<string, unknown>;

test('foldName: ASCII upper-cased; Kelvin sign and long s fold into ASCII as in Go', () => {
  assert.is(foldName('ipMasq'), 'IPMASQ');
  assert.is(foldName('cni.dev/valid-attachments'), 'CNI.DEV/VALID-ATTACHMENTS');
  assert.is(foldName('\u212aey'), foldName('key'));
  assert.is(foldName('ma\u017fq'), foldName('masq'));
  assert.is.not(foldName('é'), foldName('e'));
  assert.is(foldName('É'), foldName('é'));
});

test('a key matches its field exactly or case-insensitively', () => {
  for (const k of ['ipMasq', 'ipmasq', 'IPMASQ', 'IpMaSq']) assert.is(goField(parse(`{"${k}":true}`), 'ipMasq'), true, k);
  assert.is(goField(parse('{"ip_masq":true}'), 'ipMasq'), undefined);
  assert.is(goField(parse('{"ipMasq ":true}'), 'ipMasq'), undefined);
  assert.is(goField(parse('{"ipMasq":true}'), 'ipMasq2'), undefined);
  assert.is(goField([1], 'x'), undefined);
  assert.is(goField(null, 'x'), undefined);
});

test('of two case variants the one LAST in the document wins, exact spelling or not (Go applies keys in order)', () => {
  assert.is(goField(parse('{"ipam":"A","IPAM":"B"}'), 'ipam'), 'B');
  assert.is(goField(parse('{"IPAM":"B","ipam":"A"}'), 'ipam'), 'A');
  assert.is(goField(parse('{"Ipam":"A","IPAM":"B","iPAM":"C"}'), 'ipam'), 'C');
  assert.is(goKey(parse('{"ipam":1,"IPAM":2}'), 'ipam'), 'IPAM');
  // A null variant still overwrites (Go sets a pointer/slice/map field to nil): readers see absent.
  assert.is(optValue(parse('{"mtu":1400,"MTU":null}'), 'mtu'), undefined);
});

test('canonicalize: an exact field name is never taken by a fold match to another field', () => {
  const shape = struct({ mac: null, MAC: null });
  const o = canonicalize(parse('{"MAC":"x","mac":"y","Mac":"z"}'), shape);
  // "MAC" and "mac" are exact; "Mac" folds to both: Go's byFoldedName keeps the first field listed.
  assert.equal(o, { MAC: 'x', mac: 'z' });
});

test('canonicalize: nested structs, lists of structs; maps keep exact keys; unknown keys untouched', () => {
  const o = canonicalize(
    parse('{"Name":"n","IPAM":{"TYPE":"host-local","Ranges":[[{"SUBNET":"10.0.0.0/24","rangestart":"10.0.0.5"}]]},"Capabilities":{"PortMappings":true},"vlanTrunk":[{"ID":5}]}'),
    NETCONF_SHAPE,
  );
  assert.equal(o, {
    vlanTrunk: [{ ID: 5 }],
    name: 'n',
    ipam: { type: 'host-local', ranges: [[{ subnet: '10.0.0.0/24', rangeStart: '10.0.0.5' }]] },
    capabilities: { PortMappings: true },
  });
  const m = canonicalize(parse('{"a":{"X":1},"b":{"x":2}}'), mapOf(struct({ x: null })));
  assert.equal(m, { a: { x: 1 }, b: { x: 2 } });
  const l = canonicalize(parse('[{"X":1},"s",null]'), list(struct({ x: null })));
  assert.equal(l, [{ x: 1 }, 's', null]);
  // Wrong JSON types are left for the typed readers to report.
  assert.equal(canonicalize(parse('{"IPAM":"x"}'), NETCONF_SHAPE), { ipam: 'x' });
});

test('typed readers find keys as Go does and name the key they were asked for', () => {
  const raw = parse('{"IsGateway":true,"MTU":1400,"Bridge":"br9","Nameservers":["1.1.1.1"],"Opts":{"a":1}}');
  assert.is(optBool(raw, 'isGateway', false), true);
  assert.is(optInt(raw, 'mtu', 0), 1400);
  assert.is(optString(raw, 'bridge'), 'br9');
  assert.equal(optStringArray(raw, 'nameservers'), ['1.1.1.1']);
  assert.equal(optObject(raw, 'opts'), { a: 1 });
  assert.ok(present(raw, 'BRIDGE'));
  assert.not.ok(present(raw, 'hairpinMode'));
  assert.throws(() => optBool(parse('{"HairpinMode":"yes"}'), 'hairpinMode', false), /"hairpinMode" must be a boolean/);
});

test('skel decodes the shared keys of a reference-case config', () => {
  const conf = decodeConfig(Buffer.from('{"CniVersion":"0.4.0","NAME":"n1","Type":"bridge","DNS":{"Nameservers":["9.9.9.9"]},"cni.dev/Valid-Attachments":[{"ContainerId":"c","IfName":"eth0"}]}'));
  assert.is(conf.cniVersion, '0.4.0');
  assert.is(conf.name, 'n1');
  assert.is(conf.type, 'bridge');
  assert.equal(conf.dns, { nameservers: ['9.9.9.9'] });
  assert.equal(conf['cni.dev/valid-attachments'], [{ containerID: 'c', ifname: 'eth0' }]);
});

test('results (prevResult, delegate output) are read with Go matching', () => {
  const r = parseResult(parse('{"CNIVersion":"0.4.0","Interfaces":[{"Name":"eth0","Sandbox":"/x"}],"IPS":[{"Version":"4","Interface":0,"Address":"10.0.0.2/24"}],"DNS":{"Domain":"d"}}'), '0.4.0');
  assert.equal(r.interfaces, [{ name: 'eth0', sandbox: '/x' }]);
  assert.equal(r.ips, [{ interface: 0, address: '10.0.0.2/24' }]);
  assert.equal(r.dns, { domain: 'd' });
  const old = parseResult(parse('{"cniVersion":"0.2.0","IP4":{"IP":"10.0.0.2/24","Gateway":"10.0.0.1"}}'), '0.2.0');
  assert.equal(old.ips, [{ address: '10.0.0.2/24', gateway: '10.0.0.1' }]);
});

test('runtime library: a plugin object is a struct (folded keys), the list itself a map (exact keys), as in libcni', () => {
  const p = pluginConfFromBytes(Buffer.from('{"Type":"bridge","Name":"x","Capabilities":{"portMappings":true}}'));
  assert.is(p.network.type, 'bridge');
  assert.equal(p.network.capabilities, { portMappings: true });
  assert.throws(() => pluginConfFromBytes(Buffer.from('{"name":"x"}')), /missing 'type'/);
  assert.throws(() => networkConfFromBytes(Buffer.from('{"Name":"l","plugins":[{"type":"bridge"}]}')), /no name/);
  const l = networkConfFromBytes(Buffer.from('{"name":"l","cniVersion":"1.0.0","plugins":[{"TYPE":"bridge"}]}'));
  assert.is(l.plugins[0]!.network.type, 'bridge');
});

test.run();
