/** A relying party web app run as a process (the examples in docs/examples), on a free loopback port. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from './redis-server.js';
import { sleep } from './storage-backends.js';

export interface WebApp {
  origin: string;
  /** Everything it printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Runs the app with PORT and BASE_URL set for `port` (reserve one with freePort() to know the origin beforehand). */
export async function startWebApp(command: string, args: string[], env: Record<string, string>, port?: number): Promise<WebApp> {
  port ??= await freePort();
  const origin = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(command, args, {
    env: { PATH: process.env.PATH, PORT: String(port), BASE_URL: origin, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const app: WebApp = {
    origin,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
  // Ready when it answers; it prints nothing every app prints alike.
  for (let attempt = 0; attempt < 150; attempt += 1) {
    if (child.exitCode !== null) assert.fail(`${args.join(' ')} exited with ${child.exitCode}:\n${output}`);
    if (
      await fetch(origin).then(
        () => true,
        () => false,
      )
    )
      return app;
    await sleep(100);
  }
  await app.stop();
  assert.fail(`${args.join(' ')} did not start:\n${output}`);
}
