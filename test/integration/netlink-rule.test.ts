/** Policy routing rules through the embedded netlink client, checked with `ip -j rule` in a test netns. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isExists, Netlink } from '../../src/netlink/index.js';
import { makeNetns } from '../helpers/netns.js';
import { ipJson } from '../helpers/sh.js';

test('rules: add IPv4/IPv6 source rules (table < 256 and >= 256), list, duplicate, delete', () => {
  const ns = makeNetns('nlrule');
  try {
    using nl = Netlink.openIn(ns.path);
    const defaults4 = nl.ruleList(4);
    assert.equal(defaults4.map((r) => [r.priority, r.table]), [[0, 255], [32766, 254], [32767, 253]], 'a fresh netns has local, main, default');
    nl.ruleAdd({ src: '10.7.0.2/32', table: 100 });
    nl.ruleAdd({ src: 'fd00:7::2/128', table: 1000, priority: 500 });
    nl.ruleAdd({ dst: '10.8.0.0/16', iifName: 'lo', table: 101 });

    const shown4 = ipJson<any[]>(['-4', 'rule', 'show'], ns.name);
    const r100 = shown4.find((r) => r.table === '100');
    assert.equal([r100.src, r100.srclen, r100.priority], ['10.7.0.2', undefined, 32765], 'kernel-chosen preference below main');
    const r101 = shown4.find((r) => r.table === '101');
    assert.equal([r101.dst, r101.dstlen, r101.iif], ['10.8.0.0', 16, 'lo']);
    const shown6 = ipJson<any[]>(['-6', 'rule', 'show'], ns.name).find((r) => r.table === '1000');
    assert.equal([shown6.src, shown6.priority], ['fd00:7::2', 500]);

    const listed = nl.ruleList();
    assert.equal(listed.find((r) => r.table === 100), { family: 4, table: 100, action: 1, priority: 32765, src: '10.7.0.2/32' });
    assert.equal(listed.find((r) => r.table === 1000), { family: 6, table: 1000, action: 1, priority: 500, src: 'fd00:7::2/128' });
    assert.equal(listed.find((r) => r.table === 101), { family: 4, table: 101, action: 1, priority: 32764, dst: '10.8.0.0/16', iifName: 'lo' });
    assert.ok(nl.ruleList(6).every((r) => r.family === 6));

    assert.throws(() => nl.ruleAdd({ src: '10.7.0.2/32', table: 100, priority: 32765 }), isExists);
    nl.ruleDel({ src: '10.7.0.2/32', table: 100, priority: 32765 });
    nl.ruleDel({ src: 'fd00:7::2/128', table: 1000 });
    nl.ruleDel({ dst: '10.8.0.0/16', iifName: 'lo', table: 101 });
    assert.equal(nl.ruleList(4), defaults4);
    assert.not.ok(nl.ruleList(6).some((r) => r.table === 1000));
    assert.throws(() => nl.ruleDel({ src: '10.7.0.2/32', table: 100 }), (e: unknown) => (e as { code?: string }).code === 'ENOENT');
    assert.throws(() => nl.ruleAdd({ table: 5 }), /family/);
  } finally {
    ns.remove();
  }
});

test.run();
