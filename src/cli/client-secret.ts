/**
 * `clients add --secret-file <path> | --secret-stdin`: a client secret is
 * read from a file or standard input, never taken from the command line,
 * which other users see (ps, /proc/<pid>/cmdline) and shell history keeps.
 */
import { readFile } from 'node:fs/promises';
import { CommandError, UsageError, type Io } from './io.js';

/** Why a secret never comes from the command line, and what to give instead. */
export const ARGV_IS_PUBLIC =
  'a command line is visible to other users of this machine (ps, /proc) and is kept in shell history; ' +
  'give the secret with --secret-file <path> or --secret-stdin (e.g. printf %s "$SECRET" | siwe-idp clients add ... --secret-stdin), ' +
  'or leave it out for a random one';

export interface SecretOptions {
  'secret-file'?: string;
  'secret-stdin'?: boolean;
}

/** Refuses `--secret <secret>` and `--secret=<secret>` before anything else reads the arguments. */
export function refuseSecretArgument(args: readonly string[]): void {
  if (args.some((arg) => arg === '--secret' || arg.startsWith('--secret='))) {
    throw new UsageError(`--secret is not accepted: ${ARGV_IS_PUBLIC}`);
  }
}

/** The secret given with --secret-file or --secret-stdin, trimmed; undefined when neither is given. */
export async function readSecret(options: SecretOptions, io: Io): Promise<string | undefined> {
  const file = options['secret-file'];
  if (file !== undefined && options['secret-stdin']) throw new UsageError('give --secret-file or --secret-stdin, not both');
  let raw: string;
  if (file !== undefined) {
    try {
      raw = await readFile(file, 'utf8');
    } catch (error) {
      throw new CommandError(`--secret-file ${file} cannot be read: ${(error as Error).message}`);
    }
  } else if (options['secret-stdin']) {
    raw = await io.readStdin();
  } else {
    return undefined;
  }
  const where = file === undefined ? 'standard input' : `--secret-file ${file}`;
  const secret = raw.trim();
  if (secret === '') throw new UsageError(`the client secret from ${where} is empty`);
  if (/[\r\n]/.test(secret)) throw new UsageError(`the client secret from ${where} must be a single line`);
  return secret;
}
