/**
 * The VM lane's initramfs pieces: module load order from modules.dep, and the newc cpio writer
 * (read back field by field, and listed by a real cpio reader when one is installed).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { cpioGzip } from '../../tools/vm/cpio.js';
import { moduleLoadOrder } from '../../tools/vm/initramfs.js';

const DEP = `kernel/drivers/virtio/virtio_ring.ko:
kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko
kernel/net/9p/9pnet.ko:
kernel/net/9p/9pnet_virtio.ko: kernel/drivers/virtio/virtio.ko kernel/net/9p/9pnet.ko kernel/drivers/virtio/virtio_ring.ko
kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko
kernel/x/a.ko: kernel/x/b.ko
kernel/x/b.ko: kernel/x/a.ko
`;

test('modules come after their dependencies, each once', () => {
  const order = moduleLoadOrder(DEP, ['virtio_pci', '9pnet_virtio', '9p']).map((m) => m.split('/').pop());
  assert.equal(order, ['virtio_ring.ko', 'virtio.ko', 'virtio_pci.ko', '9pnet.ko', '9pnet_virtio.ko', '9p.ko']);
  assert.throws(() => moduleLoadOrder(DEP, ['a']), /cycle: a -> b -> a/);
  assert.throws(() => moduleLoadOrder(DEP, ['nosuch']), /nosuch is not in modules.dep/);
});

/** Minimal newc reader: [name, mode, rdev major, rdev minor, data]. */
function readNewc(buf: Buffer): [string, number, number, number, Buffer][] {
  const out: [string, number, number, number, Buffer][] = [];
  let off = 0;
  const pad = (n: number) => (n + 3) & ~3;
  for (;;) {
    assert.is(buf.toString('latin1', off, off + 6), '070701', `magic at ${off}`);
    const field = (i: number) => parseInt(buf.toString('latin1', off + 6 + i * 8, off + 14 + i * 8), 16);
    const [mode, size, rmaj, rmin, namesize] = [field(1), field(6), field(9), field(10), field(11)];
    const name = buf.toString('latin1', off + 110, off + 110 + namesize - 1);
    const dataAt = pad(off + 110 + namesize);
    out.push([name, mode, rmaj, rmin, buf.subarray(dataAt, dataAt + size)]);
    off = pad(dataAt + size);
    if (name === 'TRAILER!!!') return out;
  }
}

test('newc archive: directories, files, symlinks, device nodes, 4-byte alignment, trailer', () => {
  const gz = cpioGzip([
    { kind: 'dir', path: 'bin' },
    { kind: 'file', path: '/bin/tool', data: Buffer.from('abcde'), mode: 0o755 },
    { kind: 'symlink', path: 'bin/sh', target: 'tool' },
    { kind: 'chardev', path: 'console', major: 5, minor: 1 },
  ]);
  const entries = readNewc(gunzipSync(gz));
  assert.equal(
    entries.map(([name, mode, maj, min, data]) => [name, mode.toString(8), maj, min, data.toString()]),
    [
      ['bin', '40755', 0, 0, ''],
      ['bin/tool', '100755', 0, 0, 'abcde'],
      ['bin/sh', '120777', 0, 0, 'tool'],
      ['console', '20600', 5, 1, ''],
      ['TRAILER!!!', '0', 0, 0, ''],
    ],
  );
  const cpio = spawnSync('cpio', ['-t', '--quiet'], { input: gunzipSync(gz), encoding: 'utf8' });
  if (!cpio.error) assert.equal(cpio.stdout.trim().split('\n'), ['bin', 'bin/tool', 'bin/sh', 'console'], 'GNU cpio lists it');
});

test.run();
