/** What a command works with: the environment, standard input and two output streams (tests pass their own). */
import { createInterface } from 'node:readline';
import { text } from 'node:stream/consumers';
import { processEnv } from '../config/process-env.js';
import { makeDescriptorPrivate } from './private-file.js';

export interface Io {
  env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
  /** Standard input: everything up to its end, or one line from a terminal. */
  readStdin(): Promise<string>;
  /** Before secrets go to out(): when out() writes to a regular file (`> file`), that file becomes mode 0600. */
  privateOut(): void;
}

/** A command line that does not make sense: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Something the operator has to fix (a missing setting, an unknown client): printed as is, exit code 1. */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

export function processIo(): Io {
  return {
    env: processEnv(),
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    readStdin: () => (process.stdin.isTTY ? firstLine() : text(process.stdin)),
    privateOut: () => {
      try {
        makeDescriptorPrivate(1);
      } catch (error) {
        throw new CommandError(
          `cannot make the file standard output goes to private (mode 0600): ${(error as Error).message}; nothing secret was written`,
        );
      }
    },
  };
}

async function firstLine(): Promise<string> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of lines) return line;
    return '';
  } finally {
    lines.close();
  }
}

/** Left-aligned columns, for listings a person reads. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
