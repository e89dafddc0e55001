/**
 * The real entry point (src/main.ts) in its own process, as an image runs it:
 * started on a free port with only PATH and the given environment, its log
 * lines (JSON on stderr) kept for the test to read.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort, kill } from './redis-server.js';

const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;

export interface MainProcess {
  child: ChildProcess;
  port: number;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  stderr(): string;
  /** Every JSON log line written so far. */
  logLines(): Record<string, unknown>[];
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Starts src/main.ts with `env` (beside PATH and PORT), resolved once it listens. */
export async function startMainProcess(env: Record<string, string>): Promise<MainProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH, PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
  });
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('siwe-idp listening on port')) resolve();
    });
    void exited.then((code) => reject(new Error(`exited ${code} before listening:\n${stderr}`)));
  });
  const logLines = () =>
    stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { child, port, origin: `http://127.0.0.1:${port}`, stderr: () => stderr, logLines, exited };
}

export async function stopMainProcess(instance: MainProcess | undefined): Promise<void> {
  if (instance) await kill(instance.child);
}
