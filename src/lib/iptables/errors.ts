import type { IptFamily, IptTable } from './types.js';

/** An iptables-restore / iptables-save run that failed: the command's stderr and, for restore, the text fed to it. */
export class IptablesError extends Error {
  override readonly name = 'IptablesError';
  readonly family: IptFamily;
  readonly table: IptTable;
  readonly stderr: string;
  readonly input: string;

  constructor(msg: string, fields: { family: IptFamily; table: IptTable; stderr: string; input?: string }, options?: { cause?: unknown }) {
    super(msg, options);
    this.family = fields.family;
    this.table = fields.table;
    this.stderr = fields.stderr;
    this.input = fields.input ?? '';
  }
}
