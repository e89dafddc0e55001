/** Runs `siwe-idp` in-process (src/cli/run.ts) with a recording Io: fast, for what needs no real process. */
import type { Io } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  /** How many times the command asked for its output to be made private (before printing a secret). */
  privateOutCalls: number;
}

export async function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<InProcessResult> {
  const out: string[] = [];
  const err: string[] = [];
  let privateOutCalls = 0;
  const io: Io = {
    env: { LOG_LEVEL: 'silent', ...options.env },
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    readStdin: async () => options.stdin ?? '',
    privateOut: () => {
      privateOutCalls += 1;
    },
  };
  const code = await run(args, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), privateOutCalls };
}
