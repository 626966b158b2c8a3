/**
 * Real container runtimes (podman with its CNI backend, containerd's `ctr run --cni`) driving a
 * farm of dist/cni, without touching the real host: everything runs inside a scratch "host"
 * network namespace and a private mount namespace (kept alive by a holder process) in which
 * /etc/cni/net.d, /opt/cni/bin, /var/lib (so /var/lib/cni and anything podman creates there) and
 * /run/netns are this world's own directories or tmpfs. The image is made from busybox-static
 * (no registry); podman uses runc with cgroupfs and vfs storage under the world's temp dir.
 * `nsenter` (not `ip netns exec`, which remounts /sys and hides the cgroup mounts) enters it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CNI_BINARY, uniqueSuffix } from './env.js';
import { makeHostNetns } from './hostns.js';
import { makeNetns, type TestNetns } from './netns.js';
import { sh } from './sh.js';

const BUSYBOX_TOOLS = ['sh', 'ping', 'ip', 'httpd', 'sleep', 'cat', 'wget'];
const DEADLINE_MS = 120_000;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Whether dist/cni serves a plugin (its `cni plugins` listing). */
export function binaryServes(plugin: string): boolean {
  const r = spawnSync(CNI_BINARY, ['plugins'], { encoding: 'utf8' });
  return new RegExp(`^\\s*${plugin}\\b`, 'm').test(r.stdout);
}

export class RuntimeWorld {
  readonly suffix = uniqueSuffix();
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cni-rt-'));
  readonly host: TestNetns = makeHostNetns('cnirt');
  /** A peer outside the host, on a veth: reaches published ports as a client on the network would. */
  readonly peer: TestNetns = makeNetns('cnirp');
  readonly hostAddr: string;
  readonly peerAddr: string;
  private holder: ChildProcess | undefined;
  private containerd: ChildProcess | undefined;

  constructor() {
    const o = 1 + (parseInt(this.suffix.slice(-3), 16) % 250);
    this.hostAddr = `192.168.${o}.1`;
    this.peerAddr = `192.168.${o}.2`;
    try {
      this.layout();
      this.enter();
      this.wirePeer();
    } catch (err) {
      this.dispose();
      throw err;
    }
  }

  get netConfDir(): string {
    return path.join(this.dir, 'net.d');
  }

  private layout(): void {
    const d = (p: string) => fs.mkdirSync(path.join(this.dir, p), { recursive: true });
    for (const p of ['net.d', 'bin', 'podman/root', 'podman/runroot', 'podman/tmp', 'ctrd/root', 'ctrd/state']) d(p);
    const r = spawnSync(CNI_BINARY, ['install', path.join(this.dir, 'bin'), '--link'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cni install: ${r.stderr}`);
    this.makeRootfs(path.join(this.dir, 'rootfs'));
    fs.writeFileSync(
      path.join(this.dir, 'containers.conf'),
      [
        '[network]',
        'network_backend = "cni"',
        'cni_plugin_dirs = ["/opt/cni/bin"]',
        'network_config_dir = "/etc/cni/net.d"',
        '[engine]',
        'runtime = "runc"',
        'cgroup_manager = "cgroupfs"',
        'events_logger = "file"',
        `tmp_dir = "${this.dir}/podman/tmp"`,
        '[containers]',
        // The CI machine's hard nofile and nproc limits are below podman's defaults (runc cannot raise them).
        'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(this.dir, 'storage.conf'), `[storage]\ndriver = "vfs"\ngraphroot = "${this.dir}/podman/root"\nrunroot = "${this.dir}/podman/runroot"\n`);
    fs.writeFileSync(
      path.join(this.dir, 'ctrd/config.toml'),
      `version = 2\nroot = "${this.dir}/ctrd/root"\nstate = "${this.dir}/ctrd/state"\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n[grpc]\n  address = "${this.ctrSocket}"\n[ttrpc]\n  address = "${this.ctrSocket}.ttrpc"\n`,
    );
  }

  /** A root filesystem: static busybox, its applets as links, /www/index.html for httpd. */
  makeRootfs(root: string): string {
    for (const p of ['bin', 'www', 'etc', 'proc', 'sys', 'dev', 'tmp']) fs.mkdirSync(path.join(root, p), { recursive: true });
    fs.copyFileSync('/bin/busybox', path.join(root, 'bin/busybox'));
    fs.chmodSync(path.join(root, 'bin/busybox'), 0o755);
    for (const t of BUSYBOX_TOOLS) fs.symlinkSync('busybox', path.join(root, 'bin', t));
    fs.writeFileSync(path.join(root, 'www/index.html'), 'hello-from-container\n');
    return root;
  }

  /** The holder: a process in the host netns and a private mount namespace, with our mounts. */
  private enter(): void {
    const holder = spawn('nsenter', [`--net=${this.host.path}`, 'unshare', '--mount', '--propagation', 'private', 'sleep', 'infinity'], { stdio: 'ignore' });
    this.holder = holder;
    const deadline = Date.now() + 10_000;
    // The holder is ready once its mount namespace differs from ours.
    while (Date.now() < deadline && holder.pid && fs.readlinkSync(`/proc/${holder.pid}/ns/mnt`) === fs.readlinkSync('/proc/self/ns/mnt')) spawnSync('sleep', ['0.05']);
    this.execOk('sh', [
      '-ec',
      [
        'mount -t tmpfs tmpfs /opt && mkdir -p /opt/cni/bin',
        `mount --bind ${this.dir}/bin /opt/cni/bin`,
        `mount --bind ${this.netConfDir} /etc/cni/net.d`,
        'mount -t tmpfs tmpfs /var/lib && mkdir -p /var/lib/cni',
        'mount -t tmpfs tmpfs /run/netns',
      ].join('\n'),
    ]);
  }

  private wirePeer(): void {
    const [a, b] = [`rtp${this.suffix}`.slice(0, 15), `rtq${this.suffix}`.slice(0, 15)];
    sh('ip', ['link', 'add', a, 'netns', this.host.name, 'type', 'veth', 'peer', 'name', b, 'netns', this.peer.name]);
    this.host.execOk('ip', ['addr', 'add', `${this.hostAddr}/24`, 'dev', a]);
    this.host.execOk('ip', ['link', 'set', a, 'up']);
    this.peer.execOk('ip', ['addr', 'add', `${this.peerAddr}/24`, 'dev', b]);
    this.peer.execOk('ip', ['link', 'set', b, 'up']);
    this.peer.execOk('ip', ['link', 'set', 'lo', 'up']);
  }

  /** Run a command in the world (its netns and mount namespace) with podman's configuration. */
  exec(cmd: string, args: string[], input?: string): Run {
    const r = spawnSync('nsenter', ['-t', String(this.holder!.pid), '-m', '-n', '--', cmd, ...args], {
      encoding: 'utf8',
      input,
      timeout: DEADLINE_MS,
      env: { ...process.env, CONTAINERS_CONF: path.join(this.dir, 'containers.conf'), CONTAINERS_STORAGE_CONF: path.join(this.dir, 'storage.conf') },
    });
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
  }

  execOk(cmd: string, args: string[], input?: string): string {
    const r = this.exec(cmd, args, input);
    if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.code}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  podman(...args: string[]): Run {
    return this.exec('podman', args);
  }

  /** The busybox image, imported from a tarball of the rootfs. */
  importImage(ref: string): void {
    const tar = spawnSync('tar', ['-C', path.join(this.dir, 'rootfs'), '-c', '.'], { maxBuffer: 64 << 20 });
    this.execOk('podman', ['import', '-', ref], tar.stdout as unknown as string);
  }

  get ctrSocket(): string {
    return path.join(this.dir, 'ctrd/containerd.sock');
  }

  ctr(...args: string[]): Run {
    return this.exec('ctr', ['-a', this.ctrSocket, ...args]);
  }

  /** A containerd of this world (own root, state and socket), up when its socket answers. */
  startContainerd(): void {
    const log = fs.openSync(path.join(this.dir, 'ctrd/log'), 'a');
    this.containerd = spawn('nsenter', ['-t', String(this.holder!.pid), '-m', '-n', '--', 'containerd', '--config', path.join(this.dir, 'ctrd/config.toml')], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (fs.existsSync(this.ctrSocket) && this.ctr('version').code === 0) return;
      spawnSync('sleep', ['0.1']);
    }
    throw new Error(`containerd did not start: ${fs.readFileSync(path.join(this.dir, 'ctrd/log'), 'utf8').slice(-2000)}`);
  }

  /** `ctr run --rm --cni` in the background; resolves when the run ends (its CNI DEL done). */
  ctrRunBackground(id: string, rootfs: string, cmd: string[]): { done: Promise<Run> } {
    const child = spawn('nsenter', ['-t', String(this.holder!.pid), '-m', '-n', '--', 'ctr', '-a', this.ctrSocket, 'run', '--rm', '--cni', '--rootfs', rootfs, id, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    return { done: new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))) };
  }

  /** The pid of a running ctr task, polled until it runs. */
  ctrTaskPid(id: string): number {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const line = this.ctr('task', 'ls').stdout.split('\n').find((l) => l.split(/\s+/)[0] === id && /RUNNING/.test(l));
      if (line) return Number(line.split(/\s+/)[1]);
      spawnSync('sleep', ['0.1']);
    }
    throw new Error(`ctr task ${id} did not start`);
  }

  /** The IPv4 addresses of a process's network namespace (a container's), on `dev`. */
  addressesOf(pid: number, dev: string): string[] {
    const out = spawnSync('nsenter', ['-t', String(pid), '-n', 'ip', '-4', '-o', 'addr', 'show', 'dev', dev], { encoding: 'utf8' }).stdout;
    return [...out.matchAll(/inet (\S+)/g)].map((m) => m[1]!);
  }

  /** Links of the host netns whose names look like container veths. */
  hostVeths(): string[] {
    return this.host.execOk('ip', ['-o', 'link', 'show', 'type', 'veth']).split('\n').map((l) => /^\d+:\s+([^:@]+)/.exec(l)?.[1]).filter((n): n is string => !!n && n.startsWith('veth'));
  }

  /** host-local's reservations of a network (files other than lock and last_reserved_ip.*). */
  reservations(network: string): string[] {
    const r = this.exec('ls', [`/var/lib/cni/networks/${network}`]);
    return r.code === 0 ? r.stdout.split('\n').filter((f) => f && f !== 'lock' && !f.startsWith('last_reserved_ip')) : [];
  }

  /** Every netfilter rule of the host netns, nftables and iptables (both flavours' views), as text. */
  netfilterText(): string {
    return ['nft list ruleset', 'iptables-save', 'ip6tables-save'].map((c) => this.host.exec(c.split(' ')[0]!, c.split(' ').slice(1)).stdout).join('\n');
  }

  dispose(): void {
    if (this.holder?.pid) {
      this.exec('podman', ['rm', '-af', '-t', '0']);
      this.exec('podman', ['network', 'prune', '-f']);
      if (this.containerd) {
        for (const line of this.ctr('task', 'ls').stdout.split('\n').slice(1)) {
          const id = line.split(/\s+/)[0];
          if (id) this.ctr('task', 'kill', '-s', 'KILL', id);
        }
        this.containerd.kill();
      }
      this.holder.kill();
    }
    this.peer.remove();
    this.host.remove();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
