/**
 * Test namespaces made with iproute2 so the product's own netns code is not what sets up its tests.
 * Every namespace is tracked and removed by cleanup(), which tests call in finally blocks.
 */
import { sh, shOk } from './sh.js';
import { uniqueSuffix } from './env.js';

export class TestNetns {
  readonly path: string;
  constructor(readonly name: string) {
    this.path = `/run/netns/${name}`;
  }
  exec(cmd: string, args: string[]) {
    return sh('ip', ['netns', 'exec', this.name, cmd, ...args]);
  }
  execOk(cmd: string, args: string[]) {
    return shOk('ip', ['netns', 'exec', this.name, cmd, ...args]);
  }
  remove(): void {
    sh('ip', ['netns', 'delete', this.name]);
  }
}

export function makeNetns(prefix = 'cnit'): TestNetns {
  const ns = new TestNetns(`${prefix}-${uniqueSuffix()}`);
  shOk('ip', ['netns', 'add', ns.name]);
  return ns;
}
