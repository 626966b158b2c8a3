/**
 * The VM lane's own floor: the guest kernel has the link kinds the host kernel lacks (made in a
 * scratch namespace), and this project's dist/cni runs there through a plugin symlink.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CniBinDir } from '../helpers/cni.js';
import { makeNetns } from '../helpers/netns.js';

const t = suite('vm-guest-kernel');

t('the guest kernel makes dummy, vlan, ipvlan, vrf links and VLAN-filtering bridges', () => {
  const ns = makeNetns('cnivm');
  try {
    const ip = (...args: string[]) => ns.execOk('ip', args);
    ip('link', 'add', 'd0', 'type', 'dummy');
    ip('link', 'add', 'link', 'd0', 'name', 'd0.7', 'type', 'vlan', 'id', '7');
    ip('link', 'add', 'link', 'd0', 'name', 'iv0', 'type', 'ipvlan', 'mode', 'l2');
    ip('link', 'add', 'vrf0', 'type', 'vrf', 'table', '100');
    ip('link', 'add', 'br0', 'type', 'bridge', 'vlan_filtering', '1');
    const kinds = JSON.parse(ns.execOk('ip', ['-d', '-j', 'link', 'show'])).map((l: any) => l.linkinfo?.info_kind).filter(Boolean).sort();
    assert.equal(kinds, ['bridge', 'dummy', 'ipvlan', 'vlan', 'vrf']);
  } finally {
    ns.remove();
  }
});

t('dist/cni answers VERSION through a plugin symlink', () => {
  const bin = new CniBinDir();
  try {
    const r = bin.run('bridge', { command: 'VERSION', config: { cniVersion: '1.1.0' } });
    assert.is(r.code, 0, r.stderr);
    assert.ok(r.json.supportedVersions.includes('1.1.0'));
  } finally {
    bin.dispose();
  }
});

t.run();
