import type { ProgressSink } from './progressLine';

/**
 * How a CLI command talks to the operator. Commands write through `io` (not process.stdout) so tests
 * run them in-process and read what they printed.
 */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Where long commands (import, export) show progress; none: they stay quiet until done. */
  progress?: ProgressSink;
  /** Standard output as a stream, for output too big to build in memory (an export without --file). */
  stdout?: NodeJS.WritableStream;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  progress: { isTTY: process.stderr.isTTY === true, write: (text) => process.stderr.write(text) },
  stdout: process.stdout,
};

/** An error the operator can fix: printed as is (no stack), and the process exits with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Exit code for wrong usage (unknown command or option, missing argument), as in BSD sysexits' EX_USAGE. */
export const USAGE_EXIT_CODE = 64;

export function usageError(message: string, usage: string): CliError {
  return new CliError(`${message}\n\n${usage}`, USAGE_EXIT_CODE);
}

/** Prints rows as aligned columns (the last column is left ragged). */
export function printTable(io: CliIo, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  io.out(line(header));
  for (const row of rows) io.out(line(row));
}
