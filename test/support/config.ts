/** Configuration helpers: the problems readConfig reports, and the real start command run as a child process. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readConfig } from '../../src/config/env.js';
import { ConfigError } from '../../src/config/config-error.js';

const run = promisify(execFile);
const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;

/** Every problem readConfig finds in `env` (none: an empty list). */
export function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    readConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  return [];
}

/** Runs src/main.ts with only PATH and `env`; resolves with its exit code and output, whatever the code. */
export async function startMain(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, ['--import', 'tsx', MAIN, ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 15_000 }).then(
    (ok) => ({ code: 0, ...ok }),
    (failed: { code: number; stdout: string; stderr: string }) => failed,
  );
}
