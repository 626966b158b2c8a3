/** What running a plugin once produced, whether it ran as a child process or in this process. */
export interface PluginOutcome {
  /** Exit status; null when a signal ended the child. */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
}

/** Receives a plugin's stderr as it is written (delegates forward it to their parent's stderr). */
export type StderrSink = (chunk: Buffer) => void;
