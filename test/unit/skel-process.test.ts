import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readAllSync, writeAllSync } from '../../src/skel/process.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `cni-process-${process.pid}-${Math.random().toString(36).slice(2, 8)}-`));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('readAllSync waits through EAGAIN on a non-blocking pipe until EOF', () => {
  const fifo = path.join(tmp, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const rfd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const wfd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
    // The writer is a child that holds the only write end, writes late, then exits (EOF).
    spawn('sh', ['-c', 'sleep 0.2; printf hello; sleep 0.1; printf " world"'], { stdio: ['ignore', wfd, 'inherit'] });
    fs.closeSync(wfd);
    const started = Date.now();
    assert.is(readAllSync(rfd).toString(), 'hello world');
    assert.ok(Date.now() - started >= 250, 'returned before EOF');
  } finally {
    fs.closeSync(rfd);
  }
});

test('readAllSync of an empty file is empty; writeAllSync writes everything', () => {
  const f = path.join(tmp, 'out');
  const fd = fs.openSync(f, 'w+');
  try {
    const big = 'x'.repeat(300_000) + 'é';
    writeAllSync(fd, big);
    assert.is(fs.readFileSync(f, 'utf8'), big);
  } finally {
    fs.closeSync(fd);
  }
  const empty = fs.openSync(path.join(tmp, 'empty'), 'w+');
  try {
    assert.is(readAllSync(empty).length, 0);
  } finally {
    fs.closeSync(empty);
  }
});

// A real process running a fake plugin through runPluginFromProcess.
const processModule = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/skel/process.ts');
const script = path.join(tmp, 'fake-plugin.ts');
fs.writeFileSync(
  script,
  `import { runPluginFromProcess } from ${JSON.stringify(processModule)};
const entry = {
  name: 'fake', kind: 'main', summary: '', supportedVersions: ['0.4.0', '1.0.0', '1.1.0'],
  load: async () => ({
    name: 'fake', parseConfig: (raw) => raw,
    add: () => ({ cniVersion: '1.1.0', ips: [{ address: '10.0.0.2/24' }] }),
    del: () => {}, check: () => {},
  }),
};
runPluginFromProcess(entry).then((code) => { process.exitCode = code; });
`,
);

function runChild(env: Record<string, string>, stdin: string | null): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { PATH: process.env.PATH!, CNI_LOG_LEVEL: 'silent', ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', () => clearTimeout(timer));
    if (stdin !== null) child.stdin.end(stdin);
    // null: keep stdin open; the plugin must not wait for it.
  });
}

test('process: VERSION answers without reading stdin (stdin left open)', async () => {
  const r = await runChild({ CNI_COMMAND: 'VERSION' }, null);
  assert.is(r.code, 0);
  assert.is(r.stdout, '{"cniVersion":"1.1.0","supportedVersions":["0.4.0","1.0.0","1.1.0"]}\n');
});

test('process: ADD reads stdin to EOF and prints the result; errors exit 1', async () => {
  const env = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_NETNS: '/run/netns/x', CNI_IFNAME: 'eth0' };
  const ok = await runChild(env, JSON.stringify({ cniVersion: '0.4.0', name: 'n', type: 'fake' }));
  assert.is(ok.code, 0);
  assert.is(ok.stdout, '{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.0.0.2/24"}],"dns":{}}\n');
  const bad = await runChild(env, '');
  assert.is(bad.code, 1);
  assert.equal(JSON.parse(bad.stdout), { code: 6, msg: 'error unmarshall network config: unexpected end of JSON input' });
});

test.run();
