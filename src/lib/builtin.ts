/**
 * Node builtins loaded on first use, for modules only some code paths need (a static import is
 * evaluated at start-up by every plugin that bundles the importing module).
 */
import type * as ChildProcess from 'node:child_process';

const load = <T>(id: string): T => process.getBuiltinModule(id) as T;

let childProcessModule: typeof ChildProcess | undefined;
export const childProcess = (): typeof ChildProcess => (childProcessModule ??= load<typeof ChildProcess>('node:child_process'));
