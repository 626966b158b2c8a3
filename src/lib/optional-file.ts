/**
 * State files and directories that may not be there yet (or any more): absent reads as undefined
 * or an empty list, every other error is thrown. A file under a path component that is not a
 * directory (ENOTDIR) is absent too; a listed directory is absent only on ENOENT, as for libcni.
 */
import * as fs from 'node:fs';

const code = (err: unknown) => (err as NodeJS.ErrnoException | undefined)?.code;

export function readFileIfPresent(file: string): Buffer | undefined;
export function readFileIfPresent(file: string, encoding: 'utf8'): string | undefined;
export function readFileIfPresent(file: string, encoding?: 'utf8'): Buffer | string | undefined {
  try {
    return encoding ? fs.readFileSync(file, encoding) : fs.readFileSync(file);
  } catch (err) {
    if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return undefined;
    throw err;
  }
}

export function readdirIfPresent(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (err) {
    if (code(err) === 'ENOENT') return [];
    throw err;
  }
}

/** The directory's entries (with their types), [] when it does not exist. */
export async function readdirEntriesIfPresent(dir: string): Promise<fs.Dirent[]> {
  try {
    return await fs.promises.readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (code(err) === 'ENOENT') return [];
    throw err;
  }
}
