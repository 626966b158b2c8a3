/** Parse `iptables-save -t TABLE` output for one table (pure, unit-tested). */
import type { IptTable, SavedTable } from './types.js';

export function parseIptablesSave(text: string, table: IptTable): SavedTable {
  const chains = new Map<string, string[]>();
  let inTable = false;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      inTable = line.slice(1) === table;
      continue;
    }
    if (!inTable) continue;
    if (line === 'COMMIT') {
      inTable = false;
      continue;
    }
    if (line.startsWith(':')) {
      const name = line.slice(1).split(' ', 1)[0]!;
      if (!chains.has(name)) chains.set(name, []);
      continue;
    }
    if (line.startsWith('-A ')) {
      const name = line.slice(3).split(' ', 1)[0]!;
      let rules = chains.get(name);
      if (!rules) chains.set(name, (rules = []));
      rules.push(line);
    }
  }
  return { chains };
}
