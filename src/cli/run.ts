/** Where a command writes and what it reads: the process's streams and environment, or a test's. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

/** One invocation of the CLI: its io and the outcome commands report back. */
export interface CliRun {
  io: CliIo;
  /** A verdict that is not an error (a failed connection check): 1. */
  exitCode: number;
  /** Set by the server commands: the process keeps running after the command returns. */
  serving: boolean;
}

/** Prints lines to stdout. */
export function printLines(run: CliRun, lines: string[]): void {
  run.io.out(lines.map((line) => `${line}\n`).join(''));
}
