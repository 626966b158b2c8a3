/**
 * The man pages in man/: every page lints clean with mandoc (no message of any level, STYLE
 * included) and groff, every plugin the registry serves has a page, cni.1 documents every CLI
 * command and links every plugin page, and cross references point at pages that exist.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PLUGINS } from '../../src/plugins/registry.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const manDir = path.join(root, 'man');
const pkgVersion = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

/** The CLI commands cni.1 must document (src/cli/index.ts lists their modules). */
const CLI_COMMANDS = ['version', 'plugins', 'install', 'uninstall', 'exec', 'run'];

const pages = fs
  .readdirSync(manDir)
  .filter((f) => /\.[18]$/.test(f))
  .sort();

function read(page: string): string {
  return fs.readFileSync(path.join(manDir, page), 'utf8');
}

function run(cmd: string, args: string[]): { status: number | null; output: string; missing: boolean } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  if (r.error && !missing) throw r.error;
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}`, missing };
}

/** The lines of one section (from `.SH NAME` up to the next `.SH`). */
function section(text: string, name: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l === `.SH ${name}` || l === `.SH "${name}"`);
  if (start < 0) return '';
  const end = lines.findIndex((l, i) => i > start && l.startsWith('.SH'));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** `cni\-bridge (8)` style references from .BR lines: [name, section]. */
function crossReferences(text: string): Array<[string, string]> {
  const refs: Array<[string, string]> = [];
  for (const m of text.matchAll(/^\.BR (cni(?:\\-[a-z0-9\\-]+)?) \((\d)\)/gm)) refs.push([m[1]!.replace(/\\-/g, '-'), m[2]!]);
  return refs;
}

test('there are pages to check', () => {
  assert.ok(pages.includes('cni.1'), 'man/cni.1 exists');
  assert.ok(pages.length > 1, `pages found: ${pages.join(', ')}`);
});

test('mandoc -T lint reports nothing for any page', () => {
  for (const page of pages) {
    const r = run('mandoc', ['-T', 'lint', path.join(manDir, page)]);
    assert.not.ok(r.missing, 'mandoc is not installed (apt-get install mandoc)');
    assert.is(r.output, '', `mandoc -T lint ${page}:\n${r.output}`);
    assert.is(r.status, 0, `mandoc -T lint ${page} exit status`);
  }
});

test('groff -man -ww -z warns about nothing', () => {
  for (const page of pages) {
    const r = run('groff', ['-man', '-ww', '-z', path.join(manDir, page)]);
    if (r.missing) {
      console.warn('groff is not installed: skipping the groff check');
      return;
    }
    assert.is(r.output, '', `groff -man -ww -z ${page}:\n${r.output}`);
    assert.is(r.status, 0, `groff ${page} exit status`);
  }
});

test('each .TH names the page, its section, an ISO date and this release', () => {
  for (const page of pages) {
    const th = read(page).split('\n')[0]!;
    const m = /^\.TH (\S+) (\d) (\d{4}-\d{2}-\d{2}) "([^"]*)" "([^"]*)"$/.exec(th);
    assert.ok(m, `${page}: first line is a complete .TH: ${th}`);
    const [, title, sec, , source] = m!;
    const stem = page.replace(/\.\d$/, '');
    assert.is(title!.replace(/\\-/g, '-'), stem.toUpperCase(), `${page}: title`);
    assert.is(sec, page.slice(-1), `${page}: section`);
    assert.is(source, `cni ${pkgVersion}`, `${page}: source matches package.json`);
  }
});

test('each page has the sections a reader looks for', () => {
  for (const page of pages) {
    const text = read(page);
    const wanted = page === 'cni.1'
      ? ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'COMMANDS', 'ENVIRONMENT', 'FILES', 'EXIT STATUS', 'EXAMPLES', 'STANDARDS', 'SEE ALSO']
      : ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'CONFIGURATION', 'ARGUMENTS', 'RESULT', 'FILES', 'EXAMPLES', 'DIFFERENCES FROM THE REFERENCE', 'SEE ALSO'];
    for (const name of wanted) assert.ok(section(text, name).trim() !== '', `${page}: section ${name}`);
  }
});

test('every plugin the registry serves has a page, listed in cni.1', () => {
  assert.ok(PLUGINS.length > 0, 'the registry lists plugins');
  const seeAlso = crossReferences(section(read('cni.1'), 'SEE ALSO')).map(([n]) => n);
  for (const p of PLUGINS) {
    const page = `cni-${p.name}.8`;
    assert.ok(pages.includes(page), `man/${page} for plugin ${p.name}`);
    assert.ok(seeAlso.includes(`cni-${p.name}`), `cni.1 SEE ALSO lists ${page}`);
    const nameLine = section(read(page), 'NAME').trim();
    assert.ok(nameLine.startsWith(`cni\\-${p.name.replace(/-/g, '\\-')} \\- `), `${page}: NAME line: ${nameLine}`);
  }
});

test('cni.1 documents every CLI command in SYNOPSIS and COMMANDS', () => {
  const text = read('cni.1');
  const synopsis = section(text, 'SYNOPSIS');
  const commands = section(text, 'COMMANDS');
  for (const cmd of CLI_COMMANDS) {
    assert.ok(new RegExp(`^\\.B ${cmd}( |$)`, 'm').test(synopsis), `SYNOPSIS shows cni ${cmd}`);
    assert.ok(new RegExp(`^\\.SS "cni ${cmd}( |")`, 'm').test(commands), `COMMANDS has a subsection for cni ${cmd}`);
  }
});

test('every cni cross reference points at a page that exists', () => {
  for (const page of pages) {
    for (const [name, sec] of crossReferences(read(page))) {
      assert.ok(pages.includes(`${name}.${sec}`), `${page} refers to ${name}(${sec}), which is not in man/`);
    }
  }
});

test.run();
