/** Runs the real `siwe-idp` command (src/cli/siwe-idp.ts) as a child process. */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MAIN = new URL('../../src/cli/siwe-idp.ts', import.meta.url).pathname;
const TIMEOUT = 30_000;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const childEnv = (env: Record<string, string>) => ({ PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env });

/** `input` is what the command reads on standard input (closed at once, empty, when not given). */
export async function cli(args: string[], env: Record<string, string> = {}, input = ''): Promise<CliResult> {
  const running = run(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: childEnv(env), timeout: TIMEOUT });
  running.child.stdin?.end(input);
  return running.then(
    (ok) => ({ code: 0, ...ok }),
    (failed: { code: number; stdout: string; stderr: string }) => ({ code: failed.code, stdout: failed.stdout, stderr: failed.stderr }),
  );
}

/** The command with its standard output redirected to `file` (opened as the shell's `>` would, with `mode` if new). */
export async function cliToFile(args: string[], file: string, mode: number, env: Record<string, string> = {}): Promise<CliResult> {
  const fd = openSync(file, 'w', mode);
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      env: childEnv(env),
      stdio: ['ignore', fd, 'pipe'],
      timeout: TIMEOUT,
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code: code ?? 1, stdout: '', stderr };
  } finally {
    closeSync(fd);
  }
}
