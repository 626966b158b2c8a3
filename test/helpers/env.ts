/** Shared facts for integration tests: where the built binary is and a unique suffix per run. */
import * as path from 'node:path';
import * as fs from 'node:fs';
import { randomBytes } from 'node:crypto';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const CNI_BINARY = path.join(ROOT, 'dist/cni');

/** Short and unique: interface names are limited to 15 characters. */
export function uniqueSuffix(): string {
  return `${(process.pid % 1000).toString(36)}${randomBytes(2).toString('hex')}`;
}

export function requireBinary(): void {
  if (!fs.existsSync(CNI_BINARY)) throw new Error(`${CNI_BINARY} is missing: run \`npm run build\` first`);
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}
