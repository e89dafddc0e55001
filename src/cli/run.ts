/** The command-line tool: one function from arguments to an exit code, so tests can run it in-process too. */
import { ConfigError } from '../config/config-error.js';
import { clientsCommand } from './clients-command.js';
import { configCheck } from './config-check.js';
import { CommandError, UsageError, type Io } from './io.js';
import { keysCommand } from './keys-command.js';
import { USAGE } from './usage.js';

async function dispatch(args: string[], io: Io): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      io.out(USAGE);
      return 0;
    case 'clients':
      await clientsCommand(rest, io);
      return 0;
    case 'keys':
      await keysCommand(rest, io);
      return 0;
    case 'config':
      if (rest[0] !== 'check' || rest.length > 1) throw new UsageError('config: expected "config check"');
      return configCheck(io);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

export async function run(args: string[], io: Io): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  try {
    return await dispatch(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`siwe-idp: ${error.message}\nRun "siwe-idp --help" for the commands and their options.`);
      return 2;
    }
    if (error instanceof CommandError) {
      io.err(`siwe-idp: ${error.message}`);
      return 1;
    }
    if (error instanceof ConfigError) {
      io.err(`siwe-idp: ${error.message}`);
      return 1;
    }
    io.err(`siwe-idp: ${(error as Error).stack ?? String(error)}`);
    return 1;
  }
}
