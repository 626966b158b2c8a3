export type IptFamily = 4 | 6;
export type IptTable = 'filter' | 'nat' | 'mangle' | 'raw';

/** One iptables-restore --noflush run for one family and table: chain declarations then rule lines, applied atomically. */
export interface RestoreBatch {
  table: IptTable;
  /**
   * chains to create if missing; an existing chain keeps its rules (never flushed). Built-ins are
   * ignored. Needs to know which exist: iptablesRestore runs `iptables-save -t TABLE` first unless
   * opts.known is given. (Beware: a ":NAME - [0:0]" line in iptables-restore --noflush input
   * FLUSHES an existing chain; use flushChains for that on purpose.)
   */
  chains?: string[];
  /** chains to create if missing AND empty if present (":NAME - [0:0]" lines), before the lines run */
  flushChains?: string[];
  /**
   * lines without the table header, e.g. "-A CNI-HOSTPORT-DNAT -p tcp ... -j DNAT --to-destination 10.0.0.2:80",
   * "-I POSTROUTING 1 ...", "-F CHAIN", "-X CHAIN", "-D CHAIN ..."
   */
  lines: string[];
}

/** One table as iptables-save prints it. */
export interface SavedTable {
  /** chain -> its rule lines as iptables-save prints them ("-A CHAIN ..."); every declared chain is present, possibly with no rules */
  chains: Map<string, string[]>;
}
