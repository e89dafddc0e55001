/**
 * Private redis-server processes for outage tests: started on a free port,
 * killed and restarted at will (clusters and Sentinels: redis-topologies.ts).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  server.close();
  await once(server, 'close');
  return address.port;
}

/**
 * Starts redis-server on `port` and resolves once it accepts connections.
 * `extraArgs` are more command-line settings (e.g. `--replicaof 127.0.0.1 6380`).
 */
export async function startRedis(port: number, extraArgs: string[] = []): Promise<ChildProcess> {
  return startProcess(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs],
    'Ready to accept connections',
  );
}

const outputs = new WeakMap<ChildProcess, string>();

/** What a process started by startProcess has written to its standard output so far (its log). */
export function outputOf(child: ChildProcess | undefined): string {
  return child === undefined ? '' : (outputs.get(child) ?? '');
}

/** Spawns `command` and resolves once its standard output has shown `ready`; rejects if it exits first or takes 10 s. */
export async function startProcess(command: string, args: string[], ready: string): Promise<ChildProcess> {
  // Run in the temp dir: a replica's full sync (and any RDB file) must never land in the checkout.
  const child = spawn(command, args, { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start:\n${output}`)), 10_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code}:\n${output}`));
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      outputs.set(child, output);
      if (output.includes(ready)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve();
      }
    });
    child.once('exit', onExit);
  });
  return child;
}

export async function kill(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
