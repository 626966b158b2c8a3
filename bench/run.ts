/**
 * npm run bench: start-up and per-operation cost of dist/cni (run through symlinks as a runtime
 * runs it), then the same configurations against the Go reference plugins through one runtime.
 * BENCH_RUNS sets the rounds (default 30). Needs root (namespaces, bridges).
 * BENCH_ONLY=NAME (or `npm run bench -- NAME`) runs one part: plugins, reference, flannel, wave.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { benchPlugins } from './plugins.js';
import { benchReference } from './reference.js';
import { benchFlannel } from './flannel.js';
import { benchWaves } from './wave.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cni = path.join(root, 'dist/cni');
const runs = Number(process.env.BENCH_RUNS ?? 30);

if (!fs.existsSync(cni)) throw new Error('dist/cni is missing: run `npm run build` first');
const only = process.env.BENCH_ONLY ?? process.argv[2];
const part = (name: string) => only === undefined || only === name;
if (part('plugins')) process.stdout.write(`${benchPlugins(cni, runs)}\n`);
if (part('reference')) process.stdout.write(await benchReference(cni, runs));
if (part('flannel')) process.stdout.write(`\n${await benchFlannel(cni, runs)}`);
if (part('wave')) process.stdout.write(`\n${benchWaves(cni)}`);
